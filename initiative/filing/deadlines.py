"""The council's term to take a filed draft: 3 months from filing (art. 41a ust. 3 u.s.g.; art. 42a ust. 3
u.s.p., art. 89a ust. 3 u.s.w.), months counted as art. 112 of the Civil Code says, in Warsaw calendar days
(docs/law.md §Opening and filing). The one home of the term: filing stamps it, the clerk's pages warn of it,
the daily reminders send it.
"""

import calendar
import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from initiative.models import Initiative

CONSIDERATION_MONTHS = 3  # art. 41a ust. 3 u.s.g. (art. 42a ust. 3 u.s.p., art. 89a ust. 3 u.s.w.)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """A term in months ends on the day whose date matches the first day, or on the last day of the month
    when that month has no such date (art. 112 of the Civil Code): 30 November + 3 months = 28/29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def consideration_deadline(filed_at: datetime.datetime) -> datetime.date:
    """The last day on which the council may take the draft: 3 months after filing, Warsaw calendar days."""
    return add_months(timezone.localtime(filed_at).date(), CONSIDERATION_MONTHS)


# The clerk is warned when the council's term (art. 41a ust. 3 u.s.g.) has this many days left or fewer;
# the daily reminders use the same figure.
DEADLINE_WARNING_DAYS = 14


def days_left(initiative: Initiative, *, today: datetime.date | None = None) -> int | None:
    """Calendar days (Warsaw) until the last day the council may take the draft; None while not filed."""
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
