"""The clerk's verification screen: the support list with its verdicts, the counts and the CSV round trip.

Only clerks of the initiative's council, signed in with two factors, see it (404 for everybody else, through
initiative_for_clerk). Every POST calls one service and redirects back to the same page and filters
(post/redirect/get), so the screen works without JavaScript; only a refused CSV file is answered in place,
with its problems listed line by line. Each view of the rows is recorded in the access log by the
paginator that reads them (initiative.clerk.verification.SupportListPaginator).

Paging is by page number over the list in id order (LIMIT/OFFSET): clerks work through the list page by
page, jump to a page and come back to it, and only the page's 50 rows are fetched and decrypted. OFFSET
costs grow with the page number, but with 100,000 signatures the whole page (counts included) took 130 ms
at page 1 and 175 ms at page 2,000, so keyset paging (which has no page numbers) was not worth losing them.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import verified_login_required
from initiative.clerk.csv_download import signatures_csv_response, uploaded_csv
from initiative.clerk.forms import SignatureFilterForm
from initiative.clerk.verification import (
    SupportListPaginator,
    identifier_of,
    sheet_number,
    verdicts_mark,
    verdicts_set,
    verification_counts,
)
from initiative.clerk.verification_csv import verdicts_import
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.lifecycle import Status
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from municipalities.models import SignatureMethod
from signatures.models import InvalidReason, Verdict
from signatures.selectors import electronic_kind

ROWS_PER_PAGE = 50
# Short names of the forms for a narrow table column (the model's labels are whole phrases).
METHOD_SHORT = {
    SignatureMethod.PAPER: gettext_lazy("paper"),
    SignatureMethod.QES: gettext_lazy("qualified e-signature"),
    SignatureMethod.TRUSTED_PROFILE: gettext_lazy("trusted profile"),
    SignatureMethod.EMAIL: gettext_lazy("e-mail"),
}


# Which electronic signature it is (signatures.trust): the clerk weighs a qualified one and podpis osobisty
# differently only where the council's rules do.
KIND_SHORT = {
    "qualified": gettext_lazy("qualified e-signature"),
    "personal": gettext_lazy("podpis osobisty (e-ID)"),
}


def verdict_choices() -> list[tuple[str, str]]:
    """One list for the row and bulk selects: "valid", or "invalid:<reason>" for each reason."""
    invalid = [
        (f"invalid:{reason.value}", _("Invalid: %(reason)s") % {"reason": reason.label})
        for reason in InvalidReason
    ]
    return [(Verdict.VALID.value, _("Valid")), *invalid]


def verdict_from_choice(choice: str) -> tuple[bool, str]:
    """(valid, reason) from a select's value; InvalidInput when nothing (or something unknown) was chosen."""
    if choice == Verdict.VALID:
        return True, ""
    kind, _separator, reason = choice.partition(":")
    if kind == Verdict.INVALID and reason in InvalidReason.values:
        return False, reason
    raise InvalidInput({"verdicts": [_("Choose a verdict: valid, or invalid with its reason.")]})


def _clerk_initiative(request, initiative_id: int) -> Initiative:
    try:
        return initiative_for_clerk(initiative_id, request.user)
    except NotVisible:
        raise Http404 from None


def _filters(request, initiative: Initiative) -> tuple[SignatureFilterForm, dict]:
    form = SignatureFilterForm(request.GET, initiative=initiative)
    chosen = form.cleaned_data if form.is_valid() else {}
    return form, {"verdict": chosen.get("verdict", ""), "method": chosen.get("method", "")}


def _query(chosen: dict, page: int | None = None) -> str:
    """The filters (and page) as a query string: codes only, never anything a supporter wrote."""
    params = {name: value for name, value in chosen.items() if value}
    if page and page > 1:
        params["page"] = page
    return urlencode(params)


def _page_number(request) -> int | None:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() else None


def _back_to_list(request, initiative: Initiative):
    _form, chosen = _filters(request, initiative)
    query = _query(chosen, _page_number(request))
    url = reverse("clerk-signatures", args=[initiative.pk])
    return redirect(f"{url}?{query}" if query else url)


def _initiative_page_url(initiative: Initiative) -> str:
    return reverse("clerk-initiative", args=[initiative.pk])


def _render_list(request, initiative: Initiative, *, import_errors=(), status: int = 200):
    form, chosen = _filters(request, initiative)
    pages = SupportListPaginator(initiative, ROWS_PER_PAGE, reader=request.user, **chosen)
    page = pages.get_page(request.GET.get("page"))  # recorded in the access log
    identifier = identifier_of(initiative)
    signatures = [
        {
            "signature": signature,
            "identifier": getattr(signature, identifier),
            "sheet": sheet_number(signature),
            "method": KIND_SHORT.get(electronic_kind(signature.evidence))
            or METHOD_SHORT.get(signature.method, signature.method),
            "choice": (
                signature.verdict
                if signature.verdict != Verdict.INVALID
                else f"invalid:{signature.verdict_reason}"
            ),
        }
        for signature in page.object_list
    ]
    query = _query(chosen, page.number)
    return render(
        request,
        "signatures/clerk/signatures.html",
        {
            "initiative": initiative,
            "counts": verification_counts(initiative),
            "filter_form": form,
            "filtered": bool(chosen["verdict"] or chosen["method"]),
            "page": page,
            "signatures": signatures,
            "identifier": identifier,
            "can_mark": initiative.status == Status.UNDER_VERIFICATION,
            "verdict_choices": verdict_choices(),
            "reasons": list(InvalidReason),
            "import_errors": import_errors,
            "query": f"?{query}" if query else "",
            "filter_query": _query(chosen),
            "initiative_url": _initiative_page_url(initiative),
        },
        status=status,
    )


@never_cache
@verified_login_required
def signature_list(request, initiative_id: int):
    return _render_list(request, _clerk_initiative(request, initiative_id))


def _applied_message(request, applied) -> None:
    messages.success(
        request,
        ngettext(
            "%(updated)d verdict saved. Valid signatures: %(valid)d of the %(threshold)d needed.",
            "%(updated)d verdicts saved. Valid signatures: %(valid)d of the %(threshold)d needed.",
            applied.updated,
        )
        % {"updated": applied.updated, "valid": applied.valid, "threshold": applied.threshold},
    )


def _selected_ids(values: list[str]) -> list[int]:
    if not all(value.isdigit() for value in values):
        raise InvalidInput({"verdicts": [_("The selection could not be read; reload the page and retry.")]})
    return [int(value) for value in values]


def _apply_verdicts(request, initiative: Initiative, apply, *, refused_input):
    """Run one verdict service (`apply`) and go back to the list with its outcome as a message.

    A refusal of the input goes to `refused_input`, which answers in place or returns None to go back too.
    """
    try:
        applied = apply()
    except NotVisible:
        raise Http404 from None
    except InvalidInput as error:
        response = refused_input(error)
        if response is not None:
            return response
    except TransitionRefused as refusal:
        messages.error(request, refusal.detail)
    else:
        _applied_message(request, applied)
    return _back_to_list(request, initiative)


@require_POST
@verified_login_required
def verdicts_post(request, initiative_id: int):
    """One row's verdict (its Save button posts `save=<id>`), or one verdict for every selected row."""
    initiative = _clerk_initiative(request, initiative_id)

    def apply():
        if "save" in request.POST:
            (signature_id,) = _selected_ids([request.POST["save"]])
            valid, reason = verdict_from_choice(request.POST.get(f"verdict-{signature_id}", ""))
            return verdicts_set(
                initiative_id=initiative.pk,
                clerk=request.user,
                verdicts=[{"signature": signature_id, "valid": valid, "reason": reason}],
            )
        signature_ids = _selected_ids(request.POST.getlist("selected"))
        valid, reason = verdict_from_choice(request.POST.get("bulk_verdict", ""))
        return verdicts_mark(
            initiative_id=initiative.pk,
            clerk=request.user,
            signature_ids=signature_ids,
            valid=valid,
            reason=reason,
        )

    def refused_input(error):
        for problem in error.errors.get("verdicts", []):
            messages.error(request, problem)

    return _apply_verdicts(request, initiative, apply, refused_input=refused_input)


@require_POST
@verified_login_required
def verdicts_import_post(request, initiative_id: int):
    initiative = _clerk_initiative(request, initiative_id)
    return _apply_verdicts(
        request,
        initiative,
        lambda: verdicts_import(
            initiative_id=initiative.pk, clerk=request.user, file_bytes=uploaded_csv(request.FILES)
        ),
        refused_input=lambda error: _render_list(
            request, initiative, import_errors=error.errors.get("file", []), status=400
        ),
    )


@never_cache
@verified_login_required
def signatures_csv_download(request, initiative_id: int):
    return signatures_csv_response(_clerk_initiative(request, initiative_id), request.user)
