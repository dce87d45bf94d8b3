from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from municipalities.local_rules import IN_FORCE_ORDER, not_annulled
from municipalities.models import LocalRules, Unit
from municipalities.search_text import fold


def unit_search(*, search: str = "", level: str = "") -> QuerySet[Unit]:
    """Units whose name (or a word of it) starts with `search`, accents ignored, or whose TERC code does.

    Name prefixes use the pattern index on the folded name; a word inside a name ("Biała" in
    "Bielsko-Biała") is matched too, and ranked after.
    """
    units = Unit.objects.select_related("parent").prefetch_related(newest_rules_prefetch())
    if level:
        units = units.filter(level=level)
    search = search.strip()
    if search.isdigit():
        return units.filter(teryt__startswith=search).order_by("teryt")
    if not search:
        return units.order_by("search_name", "level", "teryt")
    folded = fold(search)
    starts = Q(search_name__startswith=folded)
    return (
        units.filter(starts | Q(search_name__contains=f" {folded}") | Q(search_name__contains=f"-{folded}"))
        .annotate(rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "search_name", "level", "teryt")
    )


def unit_by_teryt(teryt: str) -> Unit | None:
    return (
        Unit.objects.select_related("parent")
        .prefetch_related(newest_rules_prefetch())
        .filter(teryt=teryt)
        .first()
    )


def newest_rules_prefetch() -> Prefetch:
    """The rules in force of each unit in one query: DISTINCT ON (unit) over the versions not annulled, in
    municipalities.local_rules.IN_FORCE_ORDER."""
    return Prefetch(
        "rules_versions",
        queryset=not_annulled(LocalRules.objects.all())
        .order_by("unit_id", *IN_FORCE_ORDER)
        .distinct("unit_id"),
        to_attr="newest_rules",
    )
