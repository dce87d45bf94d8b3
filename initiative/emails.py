"""E-mails of the initiative: the committee invitation, the notice to the council chair, the committee's
notices of the council's decisions, and the clerks' deadline reminders.

All go out in Polish (settings.LANGUAGE_CODE), one message per recipient, and carry no supporter's data.
They are put into the outbox (outbox/services.py) in the caller's transaction, the one of the change they
announce: they go out, at least once, if and only if it commits.
"""

import datetime
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from initiative.lifecycle import Action
from initiative.models import CommitteeInvitation, Initiative
from initiative.tokens import invitation_token
from outbox.services import email_enqueue

logger = logging.getLogger(__name__)


def initiative_reference(initiative_id: int) -> str:
    """What the outbox files an initiative's e-mails under: its erasure takes back those still waiting."""
    return f"initiative:{initiative_id}"


def initiative_emails_enqueue(template: str, context: dict, recipients: list[str]) -> int:
    """Queue the e-mail `template` (initiative/email/) once per recipient, filed under the initiative of
    `context["initiative"]`. Returns how many were queued. The packet's notices use it too."""
    # E-mails go out in Polish: they reach council offices and residents who have not chosen a language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"initiative/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"initiative/email/{template}.txt", context)
    for address in recipients:
        email_enqueue(
            kind=f"initiative/{template}",
            to=address,
            subject=subject,
            body=body,
            reference=initiative_reference(context["initiative"].pk),
        )
    return len(recipients)


def send_committee_invitation(invitation: CommitteeInvitation) -> None:
    link = f"{settings.SITE_URL}/committee/accept/{invitation_token(invitation.pk)}/"
    context = {"initiative": invitation.initiative, "link": link, "invited_by": invitation.invited_by}
    initiative_emails_enqueue("committee_invitation", context, [invitation.email])


def send_council_chair_notice(initiative: Initiative) -> bool:
    """Tell the council chair that collection has opened. False when no council address is recorded."""
    address = initiative.municipality.council_email
    if not address:
        logger.warning(
            "initiative %s opened; no council e-mail recorded for %s",
            initiative.pk,
            initiative.municipality.teryt,
        )
        return False
    link = f"{settings.SITE_URL}/initiatives/{initiative.pk}/"
    initiative_emails_enqueue("council_chair_notice", {"initiative": initiative, "link": link}, [address])
    return True


def last_day(window_end: datetime.datetime | None) -> datetime.date | None:
    """The last Warsaw calendar day of a window that ends at the midnight after it (initiative.terms)."""
    if window_end is None:
        return None
    return (timezone.localtime(window_end) - datetime.timedelta(microseconds=1)).date()


# The committee's notices of the council's decisions: the action and its template's name. The packet's
# own "ready" notice is initiative.filing.packet.emails.
COMMITTEE_NOTICES = {
    Action.RECEIVE: "decision_receive",
    Action.START_VERIFICATION: "decision_start_verification",
    Action.ACCEPT: "decision_accept",
    Action.REQUEST_SUPPLEMENT: "decision_request_supplement",
    Action.REJECT: "decision_reject",
    Action.RECORD_OUTCOME: "decision_record_outcome",
}


def send_committee_notice(initiative_id: int, action: str) -> int:
    """Tell every active member of the committee what the council decided, one message each. Called in the
    decision's transaction (the status change it reports is read back). Returns how many were queued."""
    template = COMMITTEE_NOTICES.get(action)
    if template is None:
        raise ValueError(f"no committee notice for the action {action!r}")
    initiative = Initiative.objects.select_related("municipality").get(pk=initiative_id)
    change = initiative.status_changes.filter(action=action).order_by("-at", "-pk").first()
    context = {
        "initiative": initiative,
        "change": change,
        "reasons": change.reason if change else "",
        "link": f"{settings.SITE_URL}/initiatives/{initiative.pk}/manage/",
        "public_link": f"{settings.SITE_URL}/initiatives/{initiative.pk}/",
        "last_collection_day": last_day(initiative.collection_ends_at),
    }
    recipients = list(
        initiative.committee_members.filter(left_at__isnull=True)
        .order_by("joined_at", "pk")
        .values_list("user__email", flat=True)
    )
    return initiative_emails_enqueue(template, context, recipients)


def send_deadline_reminder(initiative: Initiative, *, days_left: int, recipients: list[str]) -> int:
    """Remind the council's clerks that the 3-month term (art. 41a ust. 3 u.s.g.) is running out.
    One message per clerk, queued in the transaction that records the reminder; returns how many."""
    context = {
        "initiative": initiative,
        "days_left": days_left,
        "link": f"{settings.SITE_URL}/clerk/initiatives/{initiative.pk}/",
    }
    return initiative_emails_enqueue("deadline_reminder", context, recipients)


def send_verification_reminder(initiative: Initiative, *, days_left: int, recipients: list[str]) -> int:
    """Remind the council's clerks that the verification term of the council's rules is running out."""
    context = {
        "initiative": initiative,
        "days_left": days_left,
        "link": f"{settings.SITE_URL}/clerk/initiatives/{initiative.pk}/signatures/",
    }
    return initiative_emails_enqueue("verification_reminder", context, recipients)


def send_receipt_reminder(initiative: Initiative, *, recipients: list[str]) -> int:
    """Remind the council's clerks to record the day the office received a filing: the council's term
    starts only then (art. 41a ust. 3 u.s.g.)."""
    context = {"initiative": initiative, "link": f"{settings.SITE_URL}/clerk/initiatives/{initiative.pk}/"}
    return initiative_emails_enqueue("receipt_reminder", context, recipients)
