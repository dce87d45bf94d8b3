"""The Polish forms of organs' names a draft needs: the council in the genitive, the executive, the journal.

A draft says "Uchwała nr … Rady Miasta Gliwice" (genitive), "Rada Miasta Gliwice uchwala" (nominative),
"Wykonanie uchwały powierza się Prezydentowi Miasta Gliwice" (dative) and "w Dzienniku Urzędowym
Województwa Śląskiego" (the voivodeship's adjective in the genitive). The unit stores only the council's name
in the nominative; the rest is derived here, in one place.
"""

import dataclasses

from municipalities.council_names import adjective_genitive
from municipalities.levels import CITY_WITH_POWIAT_RIGHTS_KINDS, Level
from municipalities.models import Unit

# Art. 26 ust. 3 u.s.g.: the executive of a town above 100,000 residents is a president (prezydent miasta);
# cities with powiat rights have one too.
PRESIDENT_POPULATION = 100_000

# The first words of a council's name and their genitive: Rada Miejska w Siewierzu -> Rady Miejskiej w ….
_GENITIVE_WORDS = {
    "Rada": "Rady",
    "rada": "rady",
    "Sejmik": "Sejmiku",
    "sejmik": "sejmiku",
    "Miejska": "Miejskiej",
    "miejska": "miejskiej",
    "Gminna": "Gminnej",
    "gminna": "gminnej",
}

_DATIVE = {
    "Prezydent": "Prezydentowi",
    "Burmistrz": "Burmistrzowi",
    "Wójt": "Wójtowi",
    "Zarząd": "Zarządowi",
    "Przewodniczący": "Przewodniczącemu",
}


@dataclasses.dataclass(frozen=True)
class Organ:
    """An organ's name in the two cases a draft uses."""

    nominative: str
    dative: str


def council_genitive(council_name: str) -> str:
    """'Rada Miasta Gliwice' -> 'Rady Miasta Gliwice'; 'Sejmik Województwa Śląskiego' -> 'Sejmiku …'.

    Only the head noun and its adjective change; the rest of a council's name is already in the genitive
    ("Miasta Gliwice", "Powiatu Tarnogórskiego") or a prepositional phrase ("w Siewierzu").
    """
    words = council_name.split()
    if not words:
        return council_name
    words[0] = _GENITIVE_WORDS.get(words[0], words[0])
    if len(words) > 1 and words[1] in ("Miejska", "miejska", "Gminna", "gminna"):
        words[1] = _GENITIVE_WORDS[words[1]]
    return " ".join(words)


def voivodeship_of(unit: Unit) -> Unit | None:
    """The unit's ancestor at the voivodeship level (the unit itself for a voivodeship)."""
    current: Unit | None = unit
    while current is not None and current.level != Level.WOJEWODZTWO:
        current = current.parent
    return current


def official_journal_locative(unit: Unit) -> str:
    """Where the unit's acts of local law are published (art. 13 pkt 2 of the act on publishing normative
    acts): 'Dzienniku Urzędowym Województwa Śląskiego', as it follows the preposition 'w'."""
    voivodeship = voivodeship_of(unit)
    if voivodeship is None:
        return "wojewódzkim dzienniku urzędowym"
    return f"Dzienniku Urzędowym Województwa {adjective_genitive(voivodeship.name)}"


def _is_big_city(unit: Unit) -> bool:
    parent = unit.parent
    if parent is not None and parent.kind in CITY_WITH_POWIAT_RIGHTS_KINDS:
        return True
    return (unit.population or 0) > PRESIDENT_POPULATION


def _organ(title: str, complement: str) -> Organ:
    return Organ(nominative=f"{title} {complement}", dative=f"{_DATIVE[title]} {complement}")


def executive_body(unit: Unit) -> Organ:
    """A sensible default for the unit's executive, from its level, kind and council's name.

    Voivodeship: Zarząd Województwa …; powiat: Zarząd Powiatu …; a city with powiat rights or above
    100,000 residents: Prezydent Miasta …; another town (gmina miejska or miejsko-wiejska): Burmistrz …;
    a rural gmina: Wójt Gminy …. The part after the title is taken from the council's name when it is
    already in the genitive ("Rada Miasta Krakowa" -> "Prezydent Miasta Krakowa"), else made from the
    unit's name ("Rada Miejska w Siewierzu" -> "Burmistrz Miasta i Gminy Siewierz"). Statutes name some
    executives differently (Burmistrz Siewierza); the council office corrects that in the filed draft.
    """
    council_rest = unit.council_name.split(" ", 1)[1] if " " in unit.council_name else ""
    if unit.level == Level.WOJEWODZTWO:
        if council_rest.startswith("Województwa "):
            return _organ("Zarząd", council_rest)
        return _organ("Zarząd", f"Województwa {adjective_genitive(unit.name)}")
    if unit.level == Level.POWIAT and not unit.is_city_with_powiat_rights:
        if council_rest.startswith("Powiatu "):
            return _organ("Zarząd", council_rest)
        return _organ("Zarząd", f"Powiatu {adjective_genitive(unit.name)}")

    if unit.kind in CITY_WITH_POWIAT_RIGHTS_KINDS or _is_big_city(unit):
        title = "Prezydent"
    elif unit.kind in ("gmina miejska", "gmina miejsko-wiejska"):
        title = "Burmistrz"
    else:
        title = "Wójt"
    if unit.council_name.startswith("Rada ") and council_rest.startswith(
        ("Miasta", "Gminy", "m.st.", "m. st.")
    ):
        return _organ(title, council_rest)
    if unit.kind == "gmina wiejska":
        return _organ(title, f"Gminy {unit.name}")
    if unit.kind == "gmina miejsko-wiejska":
        return _organ(title, f"Miasta i Gminy {unit.name}")
    return _organ(title, f"Miasta {unit.name}")


def council_chair(unit: Unit) -> Organ:
    """The chair of the council: 'Przewodniczący Rady Miasta Gliwice'."""
    return _organ("Przewodniczący", council_genitive(unit.council_name))
