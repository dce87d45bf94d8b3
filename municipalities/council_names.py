"""A default name for a unit's council, made from the GUS name when a unit is first imported.

Each council's name is fixed by its own statute (Rada Miasta, Rada Miejska w …, Rada Gminy …), which no
register lists; the default is a sensible guess that an operator corrects in the admin, and later imports
never overwrite it.
"""

from municipalities.levels import Level


def adjective_genitive(adjective: str) -> str:
    """A GUS adjective name in the genitive, capitalised: 'śląskie' -> 'Śląskiego', 'tarnogórski' ->
    'Tarnogórskiego', 'kujawsko-pomorskie' -> 'Kujawsko-Pomorskiego'."""
    word = adjective.strip().lower()
    if word.endswith(("e", "y")):
        word = word[:-1] + "ego"
    elif word.endswith("i"):
        word += "ego"
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def default_council_name(level: str, kind: str, name: str) -> str:
    if level == Level.WOJEWODZTWO:
        return f"Sejmik Województwa {adjective_genitive(name)}"
    if level == Level.POWIAT:
        if kind.startswith("miasto"):
            return f"Rada Miasta {name}"
        return f"Rada Powiatu {adjective_genitive(name)}"
    if kind.startswith("gmina miejska"):
        return f"Rada Miasta {name}"
    if kind == "gmina miejsko-wiejska":
        return f"Rada Miasta i Gminy {name}"
    return f"Rada Gminy {name}"
