"""The statute of each level of self-government and its article on civic resolution initiatives
(docs/law.md): art. 41a u.s.g. for a gmina, art. 42a u.s.p. for a powiat, art. 89a u.s.w. for a
voivodeship, all added by the act of 11 January 2018 (Dz.U. 2018 poz. 130). Their paragraphs are the same
in all three: ust. 2 the threshold, ust. 3 the council's term, ust. 4 the committee's representatives,
ust. 5 the council's own rules.

The one home of these citations: the threshold's basis on the council pages, the privacy notice, the paper
sheet, the e-signature statement and the packet read them here.
"""

import dataclasses

from municipalities.levels import Level


@dataclasses.dataclass(frozen=True)
class Statute:
    """One act as a Polish legal text cites it."""

    article: str  # the article on civic initiatives: "art. 41a"
    act: str  # the act's title in the genitive, after "ustawy": "o samorządzie gminnym"
    enacted: str  # "z dnia 8 marca 1990 r."
    journal: str  # the consolidated text: "Dz. U. z 2024 r. poz. 1465, z późn. zm."

    @property
    def citation(self) -> str:
        """The article with the act's full title and consolidated text, for the formal documents."""
        return f"{self.article} ustawy {self.enacted} {self.act} ({self.journal})"

    def paragraph(self, number: int) -> str:
        """One paragraph of the article, with the act's short title: "art. 41a ust. 2 ustawy o …"."""
        return f"{self.article} ust. {number} ustawy {self.act}"


INITIATIVE_STATUTES = {
    Level.GMINA: Statute(
        article="art. 41a",
        act="o samorządzie gminnym",
        enacted="z dnia 8 marca 1990 r.",
        journal="Dz. U. z 2024 r. poz. 1465, z późn. zm.",
    ),
    Level.POWIAT: Statute(
        article="art. 42a",
        act="o samorządzie powiatowym",
        enacted="z dnia 5 czerwca 1998 r.",
        journal="Dz. U. z 2024 r. poz. 107, z późn. zm.",
    ),
    Level.WOJEWODZTWO: Statute(
        article="art. 89a",
        act="o samorządzie województwa",
        enacted="z dnia 5 czerwca 1998 r.",
        journal="Dz. U. z 2024 r. poz. 566, z późn. zm.",
    ),
}


def statute_of(level: str) -> Statute:
    """The statute of a unit's level (a Level or its stored value)."""
    return INITIATIVE_STATUTES[Level(level)]
