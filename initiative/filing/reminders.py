"""Reminders to council clerks of the terms of a filed draft (initiative.filing.deadlines).

The daily task calls `deadline_reminders_send`, which sends three kinds (`ReminderKind`):
- the council's 3-month term (art. 41a ust. 3 u.s.g.): when it is 14 days away or less, and again at 3;
- the office's verification term of the council's rules: when it is 3 days away or less;
- a filing whose receipt the office has not recorded: a week after the filing, and each week after, while
  the term cannot start (it runs from the day of receipt).
A day the task did not run is made up on the next run. Each reminder is a `DeadlineReminder` row, unique
per kind, deadline and lead time, inserted in the same transaction as its e-mails are put into the outbox:
two runs that overlap send each reminder once (the second insert waits for the first transaction and then
finds the row), and a mail server that fails loses none (the outbox retries; the row and its e-mails
commit together or not at all).
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from initiative.emails import send_deadline_reminder, send_receipt_reminder, send_verification_reminder
from initiative.filing.deadlines import DEADLINE_WARNING_DAYS, VERIFICATION_WARNING_DAYS, days_left
from initiative.lifecycle import AWAITING_DECISION_STATES, TERM_RUNNING_STATES, Status
from initiative.models import DeadlineReminder, Initiative, ReminderKind

logger = logging.getLogger(__name__)

LEAD_DAYS = (DEADLINE_WARNING_DAYS, 3)
RECEIPT_REMINDER_DAYS = 7  # a delivery by ePUAP or e-Doręczenia arrives the same day, by post within a week


def _claim(
    initiative: Initiative, lead: int, *, kind: str = ReminderKind.CONSIDERATION, deadline=None
) -> bool:
    """Insert the reminder's row; False when another run has it already."""
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(
                initiative=initiative,
                kind=kind,
                deadline=deadline or initiative.consideration_deadline,
                days_before=lead,
            )
    except IntegrityError:
        return False
    return True


def _clerk_addresses(initiative: Initiative) -> list[str]:
    return list(
        User.objects.filter(clerk_memberships__unit=initiative.municipality_id, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def deadline_reminders_send(today: datetime.date | None = None) -> int:
    """Claim the reminders due on `today` (Warsaw) and queue their e-mails; returns how many e-mails.

    When both lead times are due at once (the task missed the 14-day one), one e-mail goes out and both
    are recorded: the clerks are told the days actually left, once.
    """
    today = today or timezone.localdate()
    ordered = _consideration_reminders(today)
    ordered += _verification_reminders(today)
    ordered += _receipt_reminders(today)
    return ordered


def _consideration_reminders(today: datetime.date) -> int:
    due = Initiative.objects.filter(
        status__in=TERM_RUNNING_STATES,
        consideration_deadline__gte=today,
        consideration_deadline__lte=today + datetime.timedelta(days=max(LEAD_DAYS)),
    ).select_related("municipality")
    ordered = 0
    for initiative in due:
        left = days_left(initiative, today=today)
        recipients = _clerk_addresses(initiative)
        if not recipients:
            # Not claimed: the reminder goes when the council has a clerk on the platform.
            logger.warning(
                "initiative %s: no clerk of unit %s to remind", initiative.pk, initiative.municipality_id
            )
            continue
        with transaction.atomic():
            claimed = [lead for lead in LEAD_DAYS if left <= lead and _claim(initiative, lead)]
            if claimed:
                ordered += send_deadline_reminder(initiative, days_left=left, recipients=recipients)
    return ordered


def _verification_reminders(today: datetime.date) -> int:
    due = Initiative.objects.filter(
        status__in=AWAITING_DECISION_STATES,
        verification_deadline__gte=today,
        verification_deadline__lte=today + datetime.timedelta(days=VERIFICATION_WARNING_DAYS),
    ).select_related("municipality")
    ordered = 0
    for initiative in due:
        recipients = _clerk_addresses(initiative)
        if not recipients:
            continue  # not claimed: as for the council's term above
        with transaction.atomic():
            deadline = initiative.verification_deadline
            if _claim(
                initiative, VERIFICATION_WARNING_DAYS, kind=ReminderKind.VERIFICATION, deadline=deadline
            ):
                left = (deadline - today).days
                ordered += send_verification_reminder(initiative, days_left=left, recipients=recipients)
    return ordered


def _receipt_reminders(today: datetime.date) -> int:
    """Filings of the first version the office has not recorded as received, a week or more after filing:
    one reminder for each full week, dated by the day it became due."""
    filed_before = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=RECEIPT_REMINDER_DAYS - 1), datetime.time.min
        )
    )
    due = Initiative.objects.filter(
        status=Status.SUBMITTED,
        received_on__isnull=True,
        supplement_requested_at__isnull=True,
        submitted_at__lt=filed_before,
    ).select_related("municipality")
    ordered = 0
    for initiative in due:
        recipients = _clerk_addresses(initiative)
        if not recipients:
            continue
        filed_on = timezone.localtime(initiative.submitted_at).date()
        weeks = (today - filed_on).days // RECEIPT_REMINDER_DAYS
        expected_by = filed_on + datetime.timedelta(days=weeks * RECEIPT_REMINDER_DAYS)
        with transaction.atomic():
            if _claim(initiative, 0, kind=ReminderKind.RECEIPT, deadline=expected_by):
                ordered += send_receipt_reminder(initiative, recipients=recipients)
    return ordered
