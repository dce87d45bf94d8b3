"""Use cases of an initiative in draft and collection: create, edit, open, withdraw, expire.

Filing is in initiative.filing.submit, the council's decisions in initiative.clerk.decisions; the
transition table
(initiative.lifecycle) holds them all.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.chair_notice import chair_notice_problems, collection_counted_from
from initiative.committee import committee_shortfalls, initiative_for_member
from initiative.contact import contact_freeze, contact_problems
from initiative.emails import send_council_chair_notice
from initiative.errors import InvalidInput, TransitionRefused
from initiative.lifecycle import COLLECTING_STATES, Action, Status
from initiative.models import CommitteeMember, Initiative, StatusChange
from initiative.terms import window_end
from legal_templates.fields import clean_justification, clean_values, json_values
from legal_templates.formal_check import formal_check
from legal_templates.models import LegalTemplate
from legal_templates.rendering import Draft, DraftError, render_draft
from municipalities.local_rules import rules_in_force
from municipalities.models import Unit


def draft_errors_as_fields(errors: dict) -> dict[str, list[str]]:
    """Errors of a draft as one flat map: {"fields": {"name": [...]}} becomes {"fields.name": [...]}."""
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{name}": list(messages) for name, messages in value.items()})
        else:
            flat[key] = list(value)
    return flat


def _checked_input(*, unit: Unit, template: LegalTemplate, fields: dict, justification: dict):
    """Validate and render the draft's input: (version, values to store, justification, draft)."""
    if not unit.accepts_initiatives:
        raise InvalidInput(
            {
                "municipality": [
                    _("Initiatives in this city go to its council as a gmina: use the gmina's TERC code.")
                ]
            }
        )
    version = template.versions.order_by("-version").first()
    try:
        draft = render_draft(version, unit=unit, values=fields, justification=justification)
    except DraftError as error:
        raise InvalidInput(draft_errors_as_fields(error.errors)) from error
    cleaned, _errors = clean_values(version, fields)
    parts, _errors = clean_justification(justification)
    return version, json_values(cleaned), parts, draft


def initiative_draft(initiative: Initiative) -> Draft:
    """The rendered draft of the initiative as it stands."""
    return render_draft(
        initiative.template_version,
        unit=initiative.municipality,
        values=initiative.fields,
        justification=initiative.justification,
    )


def initiative_create(*, author, unit: Unit, template: LegalTemplate, fields: dict, justification: dict):
    """A new draft; the author is the committee's first member. Returns (initiative, formal findings)."""
    version, values, justification, draft = _checked_input(
        unit=unit, template=template, fields=fields, justification=justification
    )
    with transaction.atomic():
        initiative = Initiative.objects.create(
            municipality=unit,
            template_version=version,
            fields=values,
            justification=justification,
            title=draft.title,
            created_by=author,
        )
        StatusChange.objects.create(
            initiative=initiative, action=Action.CREATE, from_status="", to_status=Status.DRAFT, actor=author
        )
        CommitteeMember.objects.create(initiative=initiative, user=author)
    return initiative, formal_check(draft)


def initiative_update(*, initiative_id: int, actor, fields: dict, justification: dict):
    """Change the draft's text (only in draft). Returns (initiative, formal findings)."""
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if not initiative.committee_editable:
            raise TransitionRefused(
                _("Only a draft can be changed; the text is frozen once collection opens.")
            )
        template = initiative.template_version.template
        version, values, justification, draft = _checked_input(
            unit=initiative.municipality, template=template, fields=fields, justification=justification
        )
        initiative.template_version, initiative.fields, initiative.justification = (
            version,
            values,
            justification,
        )
        initiative.title = draft.title
        initiative.save(update_fields=["template_version", "fields", "justification", "title", "updated_at"])
    return initiative, formal_check(draft)


def open_refusals(initiative: Initiative) -> list[str]:
    """Everything that keeps a draft from opening, in plain words; empty when it may open."""
    unit = initiative.municipality
    problems = [
        finding.message for finding in formal_check(initiative_draft(initiative)) if finding.level == "error"
    ]
    if unit.signature_threshold is None:
        problems.append(
            _("The population of %(unit)s is not recorded, so its threshold is unknown; ask the operator.")
            % {"unit": unit.name}
        )
    problems.extend(committee_shortfalls(initiative, rules_in_force(unit)))
    problems.extend(contact_problems(initiative))
    problems.extend(chair_notice_problems(initiative, rules_in_force(unit)))
    return problems


def initiative_open(*, initiative_id: int, actor) -> Initiative:
    """Open collection: freeze the threshold, population figure and rules, start any window, tell the chair.

    No approval by the council chair is needed first (WSA Kraków III SA/Kr 842/22 struck such a rule down).
    """
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if initiative.can(Action.OPEN):
            problems = open_refusals(initiative)
            if problems:
                raise TransitionRefused(" ".join(problems))
        unit = initiative.municipality
        rules = rules_in_force(unit)
        now = timezone.now()
        initiative.transition(
            Action.OPEN,
            actor=actor,
            opened_at=now,
            signature_threshold=unit.signature_threshold,
            population_used=unit.population,
            population_as_of_used=unit.population_as_of,
            population_source_used=unit.population_source,
            rules=rules.as_contract_object(),
            collection_ends_at=(
                window_end(collection_counted_from(initiative, rules, now), rules.collection_days)
                if rules.collection_days
                else None
            ),
        )
        contact_freeze(initiative)
        send_council_chair_notice(initiative)  # queued with the opening, sent after its commit
    return initiative


def initiative_withdraw(*, initiative_id: int, actor, reason: str = "") -> Initiative:
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        initiative.transition(Action.WITHDRAW, actor=actor, reason=reason, withdrawn_at=timezone.now())
    return initiative


def initiative_expire(*, initiative_id: int) -> Initiative:
    """Close collection when the window set by the local rules has ended (a system action, no actor)."""
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative_id)
        now = timezone.now()
        if initiative.collection_ends_at is None or initiative.collection_ends_at > now:
            raise TransitionRefused(_("The collection window has not ended."))
        if initiative.supplement_requested_at is not None:
            raise TransitionRefused(_("A supplement period ends in filing, not expiry."))
        initiative.transition(Action.EXPIRE, actor=None, expired_at=now)
    return initiative


def initiatives_expire_due() -> int:
    """Expire every first collection whose window has ended, each in its own transaction; a supplement
    period ends in filing instead (initiative.filing.submit). Returns how many expired."""
    due = Initiative.objects.filter(
        status__in=COLLECTING_STATES,
        collection_ends_at__lte=timezone.now(),
        supplement_requested_at__isnull=True,
    )
    expired = 0
    for initiative_id in due.values_list("pk", flat=True):
        try:
            initiative_expire(initiative_id=initiative_id)
        except TransitionRefused:
            continue  # withdrawn or filed in the meantime
        expired += 1
    return expired
