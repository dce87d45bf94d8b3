"""Reminders to council clerks before the council's 3-month term runs out (art. 41a ust. 3 u.s.g.).

The daily task calls `deadline_reminders_send`. A reminder is due when the deadline is 14 days away or
less, and again when it is 3 days away or less; a day the task did not run is made up on the next run.
Each reminder is a `DeadlineReminder` row, unique per initiative, deadline and lead time, inserted in the
same transaction as its e-mails are put into the outbox: two runs that overlap send each reminder once
(the second insert waits for the first transaction and then finds the row), and a mail server that fails
loses none (the outbox retries; the row and its e-mails commit together or not at all).
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from initiative.emails import send_deadline_reminder
from initiative.filing.deadlines import DEADLINE_WARNING_DAYS, days_left
from initiative.lifecycle import AWAITING_DECISION_STATES
from initiative.models import DeadlineReminder, Initiative

logger = logging.getLogger(__name__)

LEAD_DAYS = (DEADLINE_WARNING_DAYS, 3)


def _claim(initiative: Initiative, lead: int) -> bool:
    """Insert the reminder's row; False when another run has it already."""
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(
                initiative=initiative, deadline=initiative.consideration_deadline, days_before=lead
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
    due = Initiative.objects.filter(
        status__in=AWAITING_DECISION_STATES,
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
