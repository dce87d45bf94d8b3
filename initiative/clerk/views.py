"""The clerk's pages: the inbox of their councils' initiatives and one initiative's screen with the decision
forms. Every read goes through initiative.clerk.inbox (so through initiative.selectors.initiative_for_clerk:
404 for anyone else); every POST calls one service of initiative.clerk.decisions and redirects, or shows the
form again with its errors.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import verified_login_required
from initiative.clerk import decisions, originals
from initiative.clerk.forms import (
    AcceptForm,
    OriginalsForm,
    OutcomeForm,
    ReceiveForm,
    RejectForm,
    SupplementForm,
)
from initiative.clerk.inbox import clerk_initiatives, clerk_view, clerk_views
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.packet.facts import withdrawn_from_version
from signatures.selectors import paper_sheets

INBOX_PAGE_SIZE = 50


@verified_login_required
def clerk_inbox(request):
    page = Paginator(clerk_initiatives(request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "initiative/clerk/inbox.html", {"page": page, "views": clerk_views(page)})


def _sheet_summary(initiative) -> dict:
    """The paper sheets in a sentence: a list of 10,000 sheets is the packet's to print, not the screen's."""
    sheets = paper_sheets(initiative)
    numbers = [sheet.number for sheet in sheets if sheet.number is not None]
    return {
        "count": len(numbers),
        "first": min(numbers, default=None),
        "last": max(numbers, default=None),
        "unnumbered": sum(sheet.rows for sheet in sheets if sheet.number is None),
    }


def _withdrawn_since_filing(initiative) -> dict | None:
    """In or after a supplement period: the rows of the version filed before it whose supporters withdrew
    since (positions only), which the next version leaves out."""
    if initiative.supplement_requested_at is None:
        return None
    filed = (
        initiative.packets.filter(created_at__lte=initiative.supplement_requested_at)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if filed is None:
        return None
    return {"version": filed, "positions": withdrawn_from_version(initiative, filed)}


def _screen(request, initiative_id: int, *, status: int = 200, **forms):
    try:
        view = clerk_view(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    context = {
        "view": view,
        "initiative": view.initiative,
        "sheets": _sheet_summary(view.initiative),
        "withdrawn": _withdrawn_since_filing(view.initiative),
        "receive_form": ReceiveForm(),
        "originals_form": OriginalsForm(),
        "accept_form": AcceptForm(),
        "supplement_form": SupplementForm(),
        "reject_form": RejectForm(),
        "outcome_form": OutcomeForm(),
        **forms,
    }
    return render(request, "initiative/clerk/initiative.html", context, status=status)


@verified_login_required
def clerk_initiative(request, initiative_id: int):
    return _screen(request, initiative_id)


def _decide(request, initiative_id: int, form, form_name: str, decide, success: str):
    """Run one decision from a POST: refusals (409) as a message, field errors beside the fields."""
    if form is not None and not form.is_valid():
        return _screen(request, initiative_id, status=400, **{form_name: form})
    try:
        warnings = decide(form.cleaned_data if form is not None else {})
    except NotVisible as error:
        raise Http404 from error
    except InvalidInput as error:
        for field, field_messages in error.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
        return _screen(request, initiative_id, status=400, **{form_name: form})
    except TransitionRefused as error:
        messages.error(request, error.detail)
    else:
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, success)
    return redirect("clerk-initiative", initiative_id=initiative_id)


@verified_login_required
@require_POST
def clerk_receive_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        decisions.initiative_receive(
            initiative_id=initiative_id, clerk=request.user, received_on=data["received_on"]
        )
        return []

    return _decide(
        request,
        initiative_id,
        ReceiveForm(request.POST),
        "receive_form",
        decide,
        _("The day of receipt is recorded; the council's term runs from it. The committee has been told."),
    )


@verified_login_required
@require_POST
def clerk_originals_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        originals.originals_record(
            initiative_id=initiative_id,
            clerk=request.user,
            received_on=data["received_on"],
            missing_sheets=data["missing_sheets"],
        )
        return []

    return _decide(
        request,
        initiative_id,
        OriginalsForm(request.POST),
        "originals_form",
        decide,
        _("The paper originals are recorded; verdicts on paper rows may be given."),
    )


@verified_login_required
@require_POST
def clerk_start_verification_view(request, initiative_id: int):
    def decide(_data) -> list[str]:
        decisions.initiative_start_verification(initiative_id=initiative_id, clerk=request.user)
        return []

    return _decide(
        request, initiative_id, None, "", decide, _("Verification has started. The committee has been told.")
    )


@verified_login_required
@require_POST
def clerk_accept_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        _initiative, warnings = decisions.initiative_accept(
            initiative_id=initiative_id, clerk=request.user, session_date=data["session_date"]
        )
        return warnings

    return _decide(
        request,
        initiative_id,
        AcceptForm(request.POST),
        "accept_form",
        decide,
        _("The draft is accepted for the council's session. The committee has been told."),
    )


@verified_login_required
@require_POST
def clerk_request_supplement_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        decisions.initiative_request_supplement(
            initiative_id=initiative_id, clerk=request.user, reason=data["reason"]
        )
        return []

    return _decide(
        request,
        initiative_id,
        SupplementForm(request.POST),
        "supplement_form",
        decide,
        _("The supplement period has started: the committee collects signatures again."),
    )


@verified_login_required
@require_POST
def clerk_reject_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        decisions.initiative_reject(initiative_id=initiative_id, clerk=request.user, reasons=data["reasons"])
        return []

    return _decide(
        request,
        initiative_id,
        RejectForm(request.POST),
        "reject_form",
        decide,
        _("The initiative is rejected. The committee has been told the reasons."),
    )


@verified_login_required
@require_POST
def clerk_record_outcome_view(request, initiative_id: int):
    def decide(data) -> list[str]:
        decisions.initiative_record_outcome(
            initiative_id=initiative_id,
            clerk=request.user,
            outcome=data["outcome"],
            resolution_number=data["resolution_number"],
        )
        return []

    return _decide(
        request,
        initiative_id,
        OutcomeForm(request.POST),
        "outcome_form",
        decide,
        _("The council's outcome is recorded. The committee has been told."),
    )
