"""Terms counted as the Civil Code counts them (docs/law.md §Deadlines), in Warsaw calendar days: the one
home of the arithmetic every deadline of the platform uses.

- A term in days leaves out the day of the event it runs from and ends at the end of its last day
  (art. 111 § 1 and § 2 k.c.): a 30-day window opened at any hour of 1 November ends at the end of
  1 December, that is at midnight, Warsaw time, between 1 and 2 December.
- A term in months or years ends on the day whose date matches the first day, or on the last day of the
  month when that month has no such date (art. 112 k.c.): 30 November + 3 months = 28 (29) February, and
  a person born on 29 February is of age at the start of 28 February in a common year.
- Art. 115 k.c. (a term "do wykonania czynności" whose last day is a Saturday or a public holiday ends on
  the next working day) moves none of the platform's terms; docs/law.md §Deadlines says why for each.
"""

import calendar
import datetime

from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The last day of a term of `months` months running from `day` (art. 112 k.c.)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years of age on `day`: a year is reached on the birthday's date, or on the month's last day
    when that month has no such date (art. 112 k.c.: born on 29 February, a year older on 28 February of a
    common year)."""
    years = day.year - birth_date.year
    return years if add_months(birth_date, 12 * years) <= day else years - 1


def last_day_of_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of a term of `days` days running from an event on `start` (art. 111 § 2 k.c.: the
    event's own day is not counted)."""
    return start + datetime.timedelta(days=days)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The moment a term whose last day is `day` ends: the midnight after it, Warsaw time (art. 111 § 1)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def window_end(started_at: datetime.datetime, days: int) -> datetime.datetime:
    """When a window of `days` days opened at `started_at` closes: the end of its last day."""
    return end_of_day(last_day_of_days(timezone.localtime(started_at).date(), days))
