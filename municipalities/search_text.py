"""Accent-insensitive search: "Bedzin" finds "Będzin", "lodz" finds "Łódź".

One folding table serves both sides: the database column that is searched (a generated column, so no
writer can forget it) and the query typed by a person. Unicode decomposition alone would miss "ł",
which has no decomposed form, hence an explicit table. Upper-case letters are listed too, because
PostgreSQL's lower() leaves non-ASCII letters alone under the C collation.
"""

from django.db.models import CharField, Func, Value
from django.db.models.functions import Lower

ACCENTED = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻáäéëíöüčřšžÁÄÉËÍÖÜČŘŠŽ"
PLAIN = "acelnoszzacelnoszzaaeeioucrszaaeeioucrsz"
assert len(ACCENTED) == len(PLAIN)

_TABLE = str.maketrans(ACCENTED, PLAIN)


def fold(text: str) -> str:
    """The searchable form of a name or a query: lower case, without diacritics."""
    return text.translate(_TABLE).lower()


def folded_expression(field: str) -> Func:
    """The same folding in SQL (translate() and lower() are immutable, so it can be a stored column)."""
    return Func(Lower(field), Value(ACCENTED), Value(PLAIN), function="translate", output_field=CharField())
