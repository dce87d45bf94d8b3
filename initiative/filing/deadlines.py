"""The terms that run once a draft is filed (docs/law.md §Deadlines), counted by initiative.terms:

- the council's term to take the draft: 3 months from the day the council's office *received* it (art. 41a
  ust. 3 u.s.g.: "od dnia złożenia projektu"; art. 42a ust. 3 u.s.p., art. 89a ust. 3 u.s.w.), not from
  the committee's click on the platform. A supplement period does not move it: the council's rules cannot
  lengthen the statute's term (art. 41a ust. 5 "z zastrzeżeniem przepisów ustawy"). A session after it is
  still the council's duty: recorded with a warning, never refused;
- the office's term to verify the support list, where the council's rules set one (`verification_days`),
  counted in days from the same receipt.

The one home of these terms: the clerk's `receive` stamps them, the pages warn of them, the daily
reminders send them.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from initiative.models import Initiative
from initiative.terms import add_months, last_day_of_days

CONSIDERATION_MONTHS = 3  # art. 41a ust. 3 u.s.g. (art. 42a ust. 3 u.s.p., art. 89a ust. 3 u.s.w.)


def consideration_deadline(received_on: datetime.date) -> datetime.date:
    """The last day on which the council may take the draft: 3 months after the office received it."""
    return add_months(received_on, CONSIDERATION_MONTHS)


def day_after_filing_problem(initiative: Initiative, day: datetime.date, *, future: str, before: str) -> str:
    """What is wrong with the day of a step after filing (the office's receipt, the originals, the
    committee's delivery): "" when nothing; `future` for a day after today (Warsaw), `before` (which takes
    %(filed)s) for a day before the filing on the platform. The messages are the caller's, translated."""
    filed_on = timezone.localtime(initiative.submitted_at).date()
    if day > timezone.localdate():
        return future
    if day < filed_on:
        return before % {"filed": formats.date_format(filed_on, "DATE_FORMAT")}
    return ""


def verification_deadline(initiative: Initiative, received_on: datetime.date) -> datetime.date | None:
    """The last day of the office's verification under the frozen rules; None where they set no term."""
    days = (initiative.rules or {}).get("verification_days")
    return last_day_of_days(received_on, days) if days else None


def late_session_warning(initiative: Initiative, session_date: datetime.date) -> list[str]:
    """A session after the council's term: recorded, and said (the council's duty does not end with it)."""
    deadline = initiative.consideration_deadline
    if deadline is None or session_date <= deadline:
        return []
    return [
        _(
            "The session is after the council's %(months)d-month term, which ends on %(deadline)s (art. 41a "
            "ust. 3 u.s.g.). It is recorded: the council must still take the draft."
        )
        % {"months": CONSIDERATION_MONTHS, "deadline": formats.date_format(deadline, "DATE_FORMAT")}
    ]


# The clerk is warned when the council's term (art. 41a ust. 3 u.s.g.) has this many days left or fewer;
# the daily reminders use the same figure.
DEADLINE_WARNING_DAYS = 14


def days_left(initiative: Initiative, *, today: datetime.date | None = None) -> int | None:
    """Calendar days (Warsaw) until the last day the council may take the draft; None until the office
    records receipt."""
    if initiative.consideration_deadline is None:
        return None
    return (initiative.consideration_deadline - (today or timezone.localdate())).days


def deadline_warnings(initiative: Initiative, *, today: datetime.date | None = None) -> list[str]:
    """What a clerk should be told about the council's term; shown on the pages and returned by `accept`."""
    left = days_left(initiative, today=today)
    if left is None or left > DEADLINE_WARNING_DAYS:
        return []
    deadline = formats.date_format(initiative.consideration_deadline, "DATE_FORMAT")
    if left < 0:
        return [
            _("The council's 3-month term to take the draft ended on %(deadline)s.") % {"deadline": deadline}
        ]
    return [
        ngettext(
            "The council must take the draft by %(deadline)s: %(days)d day left.",
            "The council must take the draft by %(deadline)s: %(days)d days left.",
            left,
        )
        % {"deadline": deadline, "days": left}
    ]


VERIFICATION_WARNING_DAYS = 3


def verification_warnings(initiative: Initiative, *, today: datetime.date | None = None) -> list[str]:
    """The office's own verification term (the council's rules), while the support list is being checked."""
    deadline = initiative.verification_deadline
    if deadline is None:
        return []
    left = (deadline - (today or timezone.localdate())).days
    if left > VERIFICATION_WARNING_DAYS:
        return []
    day = formats.date_format(deadline, "DATE_FORMAT")
    if left < 0:
        return [_("The verification term of the council's rules ended on %(deadline)s.") % {"deadline": day}]
    return [
        ngettext(
            "Verify the signatures by %(deadline)s (the council's rules): %(days)d day left.",
            "Verify the signatures by %(deadline)s (the council's rules): %(days)d days left.",
            left,
        )
        % {"deadline": day, "days": left}
    ]
