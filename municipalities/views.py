from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.rate_limits import wait_seconds
from municipalities.levels import Level
from municipalities.local_rules import rules_in_force
from municipalities.models import SignatureMethod
from municipalities.rules_reports import NOTE_MAX, REFERENCE_MAX, RulesReportPerAddress, rules_report_send
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


class RulesReportForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("The council's resolution on initiatives: its number and date, or a link to it"),
        max_length=REFERENCE_MAX,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything else the operators should know (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_POST
def council_rules_report(request, teryt: str):
    """A resident points the operators to the council's resolution (municipalities.rules_reports)."""
    unit = unit_by_teryt(teryt)
    if unit is None:
        raise Http404
    form = RulesReportForm(request.POST)
    if not form.is_valid():
        return council_detail(request, teryt, report_form=form, status=400)
    wait = wait_seconds(request, [RulesReportPerAddress])
    if wait:
        messages.error(request, _("Too many reports from this address; please try again later."))
    else:
        rules_report_send(unit, **form.cleaned_data)
        messages.success(request, _("Thank you: the operators will check the resolution and record it."))
    return redirect("council-detail", teryt=teryt)


def council_detail(request, teryt: str, *, report_form=None, status: int = 200):
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
            "report_form": report_form or RulesReportForm(),
        },
        status=status,
    )
