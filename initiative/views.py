"""Pages of committees and the public. Each POST calls one service and redirects (no JavaScript needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from initiative import committee, services
from initiative.chair_notice import chair_notice_record, filing_deadline
from initiative.committee import active_seat, initiative_for_member, sits_on_committee
from initiative.contact import CONTACT_EDITABLE_STATES, committee_contact, committee_contact_set
from initiative.errors import DomainError, InvalidInput, NotVisible, TransitionRefused
from initiative.filing.submit import initiative_submit
from initiative.forms import (
    ChairNoticeForm,
    CommitteeContactForm,
    DeclarationForm,
    DraftForm,
    InvitationForm,
    WithdrawForm,
)
from initiative.lifecycle import Action
from initiative.selectors import initiative_visible, initiatives_of_member, initiatives_public
from legal_templates.formal_check import formal_check
from legal_templates.models import LegalTemplate
from legal_templates.rendering import unit_field_values
from legal_templates.services import draft_preview
from municipalities.local_rules import rules_in_force
from municipalities.models import Unit
from municipalities.selectors import unit_search
from signatures.selectors import support_count, support_counts


def initiative_list(request):
    municipality = request.GET.get("municipality", "")
    initiatives = initiatives_public(municipality=municipality if municipality.isdigit() else "")
    page = Paginator(initiatives, 20).get_page(request.GET.get("page"))
    counts = support_counts(page.object_list)
    rows = [(initiative, counts[initiative.pk].counted) for initiative in page.object_list]
    return render(request, "initiative/list.html", {"page": page, "rows": rows, "municipality": municipality})


def initiative_detail(request, initiative_id: int):
    initiative = initiative_visible(initiative_id, request.user)
    if initiative is None:
        raise Http404
    count = support_count(initiative)
    percent = min(100, round(100 * count.counted / count.threshold)) if count.threshold else 0
    return render(
        request,
        "initiative/detail.html",
        {
            "initiative": initiative,
            "draft": services.initiative_draft(initiative),
            "threshold": count.threshold,
            "count": count,
            "percent": percent,
            "is_member": sits_on_committee(initiative.pk, request.user),
        },
    )


@login_required
def my_initiatives(request):
    return render(request, "initiative/mine.html", {"initiatives": initiatives_of_member(request.user)})


@login_required
def initiative_start(request):
    """Three steps on one address: choose the council, choose the template, write the draft."""
    unit = Unit.objects.filter(teryt=request.GET.get("municipality", "")).first()
    template = LegalTemplate.objects.filter(slug=request.GET.get("template", "")).first()
    if unit is None or not unit.accepts_initiatives:
        search = request.GET.get("search", "").strip()
        units = unit_search(search=search)[:20] if search else []
        return render(request, "initiative/start_council.html", {"search": search, "units": units})
    if template is None or unit.level not in template.levels:
        templates = LegalTemplate.objects.filter(levels__contains=[unit.level]).order_by("title")
        return render(
            request,
            "initiative/start_template.html",
            {"unit": unit, "templates": templates, "rules": rules_in_force(unit)},
        )
    version = template.versions.order_by("-version").first()
    form = DraftForm(request.POST or None, field_definitions=version.fields)
    context = {
        "unit": unit,
        "rules": rules_in_force(unit),
        "template": template,
        "version": version,
        "form": form,
        "from_council": _from_council(version, unit),
    }
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                initiative, _findings = services.initiative_create(
                    author=request.user,
                    unit=unit,
                    template=template,
                    fields=form.values(),
                    justification=form.justification(),
                )
            except InvalidInput as error:
                form.add_service_errors(error.errors)
            else:
                messages.success(request, _("The draft is saved. Now form your committee."))
                return redirect("initiative-manage", initiative_id=initiative.pk)
        else:
            context.update(_preview(template, unit, form))
    return render(request, "initiative/start_draft.html", context)


def _from_council(version, unit) -> list[tuple[str, str]]:
    """(label, value) of the template's fields the chosen council's data fill, shown above the inputs."""
    values = unit_field_values(version.fields, unit)
    return [
        (field.get("label", field["name"]), values[field["name"]])
        for field in version.fields
        if field["name"] in values
    ]


def _preview(template, unit, form) -> dict:
    draft, errors, findings = draft_preview(
        template_slug=template.slug, unit=unit, values=form.values(), justification=form.justification()
    )
    form.add_service_errors(services.draft_errors_as_fields(errors))
    return {"draft": draft, "findings": findings} if draft else {}


@login_required
def initiative_manage(request, initiative_id: int):
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    seat = active_seat(initiative, request.user)
    draft = services.initiative_draft(initiative)
    editable = initiative.committee_editable
    count = support_count(initiative) if initiative.collects_signatures else None
    return render(
        request,
        "initiative/manage.html",
        {
            "initiative": initiative,
            "seat": seat,
            "draft": draft,
            "findings": formal_check(draft) if editable else [],
            "refusals": services.open_refusals(initiative) if initiative.can(Action.OPEN) else [],
            "rules": rules_in_force(initiative.municipality),
            "members": initiative.committee_members.filter(left_at__isnull=True).select_related("user"),
            "invitations": initiative.invitations.filter(accepted_at__isnull=True),
            "invitation_form": InvitationForm(),
            "declaration_form": DeclarationForm(
                initial={
                    "full_name": seat.full_name or request.user.full_name,
                    "address": seat.address,
                    "role": seat.role,
                }
            ),
            "withdraw_form": WithdrawForm(),
            "chair_notice_form": ChairNoticeForm(initial={"notified_on": initiative.chair_notified_on}),
            "filing_deadline": filing_deadline(initiative),
            **_contact_context(initiative),
            "can_open": initiative.can(Action.OPEN),
            "can_withdraw": initiative.can(Action.WITHDRAW),
            "can_remove": seat.role == "representative" or initiative.created_by_id == request.user.pk,
            "count": count,
            "can_file": count is not None and count.reached,
            "packets": initiative.packets.order_by("-version"),
        },
    )


def _contact_context(initiative) -> dict:
    if initiative.status not in CONTACT_EDITABLE_STATES:
        return {"contact_form": None}
    contact = committee_contact(initiative)
    form = CommitteeContactForm(
        initial={
            "name": contact.name,
            "address": contact.address,
            "email": contact.email,
            "phone": contact.phone,
        },
        name_frozen=not initiative.committee_editable,
    )
    return {"contact_form": form, "contact_recorded": contact.recorded}


@login_required
def initiative_edit(request, initiative_id: int):
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    if not initiative.committee_editable:
        messages.error(request, _("Only a draft can be changed; the text is frozen once collection opens."))
        return redirect("initiative-manage", initiative_id=initiative.pk)
    version = initiative.template_version.template.versions.order_by("-version").first()
    form = DraftForm(
        request.POST or None,
        field_definitions=version.fields,
        initial=DraftForm.initial_from(initiative.fields, initiative.justification),
    )
    context = {
        "initiative": initiative,
        "unit": initiative.municipality,
        "version": version,
        "form": form,
        "from_council": _from_council(version, initiative.municipality),
    }
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            try:
                services.initiative_update(
                    initiative_id=initiative.pk,
                    actor=request.user,
                    fields=form.values(),
                    justification=form.justification(),
                )
            except InvalidInput as error:
                form.add_service_errors(error.errors)
            except DomainError as error:
                messages.error(request, str(error))
                return redirect("initiative-manage", initiative_id=initiative.pk)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("initiative-manage", initiative_id=initiative.pk)
        else:
            context.update(_preview(initiative.template_version.template, initiative.municipality, form))
    return render(request, "initiative/edit.html", context)


def _run(request, initiative_id: int, action, success):
    """Call one service for a POST from the manage page; show its refusal or its success (a text, or a
    function of what the service returned)."""
    try:
        result = action()
    except NotVisible as error:
        raise Http404 from error
    except InvalidInput as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
    except TransitionRefused as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("initiative-manage", initiative_id=initiative_id)


@login_required
@require_POST
def initiative_open_view(request, initiative_id: int):
    return _run(
        request,
        initiative_id,
        lambda: services.initiative_open(initiative_id=initiative_id, actor=request.user),
        _("Collection of signatures is open. The council chair has been notified."),
    )


@login_required
@require_POST
def initiative_submit_view(request, initiative_id: int):
    return _run(
        request,
        initiative_id,
        lambda: initiative_submit(initiative_id=initiative_id, actor=request.user),
        _(
            "The initiative is filed with the council. The sealed packet is being prepared; the council "
            "chair and the committee get an e-mail when it is ready."
        ),
    )


@login_required
@require_POST
def initiative_withdraw_view(request, initiative_id: int):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        initiative_id,
        lambda: services.initiative_withdraw(initiative_id=initiative_id, actor=request.user, reason=reason),
        _("The initiative is withdrawn."),
    )


@login_required
@require_POST
def committee_invite_view(request, initiative_id: int):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address."))
        return redirect("initiative-manage", initiative_id=initiative_id)
    email = form.cleaned_data["email"]
    asked_at = timezone.now()

    def told(invitation) -> str:
        if invitation.sent_at >= asked_at:
            return _("The invitation has been sent to %(email)s.") % {"email": email}
        return _(
            "An invitation was sent to %(email)s less than 24 hours ago and still holds, so no second "
            "e-mail went out."
        ) % {"email": email}

    return _run(
        request,
        initiative_id,
        lambda: committee.committee_invite(initiative_id=initiative_id, actor=request.user, email=email),
        told,
    )


@login_required
@require_POST
def committee_declare_view(request, initiative_id: int):
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in your full name, your address and your role."))
        return redirect("initiative-manage", initiative_id=initiative_id)
    return _run(
        request,
        initiative_id,
        lambda: committee.committee_declare(
            initiative_id=initiative_id, user=request.user, **form.cleaned_data
        ),
        _("Your declaration is saved."),
    )


@login_required
@require_POST
def chair_notice_view(request, initiative_id: int):
    form = ChairNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the day of the notice."))
        return redirect("initiative-manage", initiative_id=initiative_id)
    return _run(
        request,
        initiative_id,
        lambda: chair_notice_record(initiative_id=initiative_id, actor=request.user, **form.cleaned_data),
        _("The day of the notice to the council's chair is recorded."),
    )


@login_required
@require_POST
def committee_contact_view(request, initiative_id: int):
    form = CommitteeContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the committee's name and correspondence address."))
        return redirect("initiative-manage", initiative_id=initiative_id)
    return _run(
        request,
        initiative_id,
        lambda: committee_contact_set(initiative_id=initiative_id, actor=request.user, **form.cleaned_data),
        _("The committee's contact is saved."),
    )


@login_required
@require_POST
def committee_leave_view(request, initiative_id: int):
    try:
        committee.committee_leave(initiative_id=initiative_id, user=request.user)
    except NotVisible as error:
        raise Http404 from error
    except TransitionRefused as error:
        messages.error(request, error.detail)
        return redirect("initiative-manage", initiative_id=initiative_id)
    messages.success(request, _("You have left the committee."))
    return redirect("initiative-mine")


@login_required
@require_POST
def committee_remove_view(request, initiative_id: int, member_id: int):
    return _run(
        request,
        initiative_id,
        lambda: committee.committee_remove(
            initiative_id=initiative_id, actor=request.user, member_id=member_id
        ),
        _("The member has been removed from the committee."),
    )


@login_required
def committee_accept_view(request, token: str):
    """The link in the invitation e-mail: GET shows the declaration form, POST joins (scanners only GET)."""
    form = DeclarationForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            seat = committee.committee_accept(token=token, user=request.user, **form.cleaned_data)
        except InvalidInput as error:
            for field, field_messages in error.errors.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        except TransitionRefused as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, _("Welcome to the committee."))
            return redirect(reverse("initiative-manage", kwargs={"initiative_id": seat.initiative_id}))
    return render(request, "initiative/accept.html", {"form": form})
