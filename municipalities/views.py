from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from municipalities.levels import Level
from municipalities.local_rules import rules_in_force
from municipalities.models import SignatureMethod
from municipalities.selectors import unit_by_teryt, unit_search
from municipalities.serializers import MunicipalityFilterSerializer
from municipalities.thresholds import STATUTE_BASIS

RESULTS_PER_PAGE = 20


def home(request):
    return render(request, "home.html")


def council_search(request):
    filters = MunicipalityFilterSerializer(data=request.GET)
    valid = filters.is_valid()
    query = filters.validated_data if valid else {}
    searched = bool(query.get("search") or query.get("level"))
    page = None
    page_numbers = []
    if searched:
        paginator = Paginator(unit_search(**query), RESULTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        page_numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render(
        request,
        "municipalities/search.html",
        {
            "search": request.GET.get("search", ""),
            "level": query.get("level", ""),
            "levels": Level.choices,
            "errors": filters.errors if not valid else {},
            "searched": searched,
            "page": page,
            "page_numbers": page_numbers,
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


def council_detail(request, teryt: str):
    unit = unit_by_teryt(teryt)
    if unit is None:
        raise Http404
    rules = rules_in_force(unit)
    # A city with powiat rights files initiatives with its council acting as a gmina (art. 92 ust. 1
    # u.s.p.): the "gmina miejska" entry, not a district (delegatura) listed under the same city.
    council_unit = (
        unit.children.filter(level=Level.GMINA, kind__startswith="gmina").order_by("teryt").first()
        if unit.is_city_with_powiat_rights
        else None
    )
    return render(
        request,
        "municipalities/detail.html",
        {
            "unit": unit,
            "rules": rules,
            "signature_method_labels": [SignatureMethod(method).label for method in rules.signature_methods],
            "statute_basis": STATUTE_BASIS[Level(unit.level)],
            "council_unit": council_unit,
        },
    )
