"""How many supporters an initiative needs: the statutory minimum, from the unit's level and population.

Art. 41a ust. 2 u.s.g. (gmina), art. 42a ust. 2 u.s.p. (powiat), art. 89a ust. 2 u.s.w. (voivodeship),
all added by the act of 11 January 2018 (Dz.U. 2018 poz. 130). The statute speaks of residents, so the
figure is the unit's population; the statute names no source or date, so the caller stores both.
"""

from municipalities.levels import Level
from municipalities.statutes import INITIATIVE_STATUTES

# (population up to and including, supporters needed); the last band has no upper bound.
GMINA_BANDS = ((5_000, 100), (20_000, 200), (None, 300))  # art. 41a ust. 2 pkt 1-3 u.s.g.
POWIAT_BANDS = ((100_000, 300), (None, 500))  # art. 42a ust. 2 pkt 1-2 u.s.p.
VOIVODESHIP_BANDS = ((None, 1_000),)  # art. 89a ust. 2 u.s.w.

BANDS = {Level.GMINA: GMINA_BANDS, Level.POWIAT: POWIAT_BANDS, Level.WOJEWODZTWO: VOIVODESHIP_BANDS}


def signature_threshold(level: str, population: int | None) -> int | None:
    """The statutory minimum of supporters, or None when the population is unknown.

    A voivodeship's figure does not depend on population, but we still ask for one: without a recorded
    figure nobody can show the clerk which number the threshold came from, so no unit without one opens.
    """
    if population is None:
        return None
    for upper_bound, supporters in BANDS[Level(level)]:
        if upper_bound is None or population <= upper_bound:
            return supporters
    raise AssertionError("the last band of every level is unbounded")


# Where the threshold is written, for people: shown beside every figure ("art. 41a ust. 2 ustawy o …").
STATUTE_BASIS = {level: statute.paragraph(2) for level, statute in INITIATIVE_STATUTES.items()}
