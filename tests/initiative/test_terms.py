"""Terms as the Civil Code counts them (initiative.terms; docs/law.md §Deadlines): days leave out the day of
the event (art. 111 § 2 k.c.), months and years end on the matching date or the month's last day (art. 112
k.c.), all in Warsaw calendar days, across the changes of clocks."""

import datetime

import pytest

from initiative.terms import add_months, age_on, last_day_of_days, window_end
from tests.clock import WARSAW


@pytest.mark.parametrize(
    ("opened", "days", "ends"),
    [
        # Opened at any hour of 1 November: the day of opening is not counted, so the 30th day is
        # 1 December, and the window ends at the end of it (art. 111 § 2 k.c.).
        (
            datetime.datetime(2026, 11, 1, 0, 5, tzinfo=WARSAW),
            30,
            datetime.datetime(2026, 12, 2, tzinfo=WARSAW),
        ),
        (
            datetime.datetime(2026, 11, 1, 23, 55, tzinfo=WARSAW),
            30,
            datetime.datetime(2026, 12, 2, tzinfo=WARSAW),
        ),
        # 23:30 UTC on 31 October is already 1 November in Warsaw (UTC+1 in winter).
        (
            datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.UTC),
            1,
            datetime.datetime(2026, 11, 3, tzinfo=WARSAW),
        ),
        # Across the change to summer time on 29 March 2026: the last day, 30 March, has 24 hours again.
        (
            datetime.datetime(2026, 3, 28, 12, 0, tzinfo=WARSAW),
            2,
            datetime.datetime(2026, 3, 31, tzinfo=WARSAW),
        ),
        # Across the change to winter time on 25 October 2026.
        (
            datetime.datetime(2026, 10, 24, 9, 0, tzinfo=WARSAW),
            1,
            datetime.datetime(2026, 10, 26, tzinfo=WARSAW),
        ),
    ],
)
def test_a_window_of_days_ends_at_the_end_of_its_last_day_in_warsaw(opened, days, ends):
    assert window_end(opened, days) == ends


def test_a_window_never_counts_the_day_it_opens():
    assert last_day_of_days(datetime.date(2026, 11, 1), 30) == datetime.date(2026, 12, 1)
    assert last_day_of_days(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (datetime.date(2026, 1, 15), 3, datetime.date(2026, 4, 15)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),  # no 31 February: the month's last day
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),  # a leap year
        (datetime.date(2026, 12, 31), 3, datetime.date(2027, 3, 31)),
    ],
)
def test_a_term_in_months_ends_on_the_matching_date_or_the_months_last_day(start, months, last):
    assert add_months(start, months) == last


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        # Born on 29 February: 18 at the start of 28 February in a common year (art. 112 k.c.).
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 27), 17),
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28), 18),
        (datetime.date(2008, 2, 29), datetime.date(2026, 3, 1), 18),
        # ... and on 29 February itself in a leap year: 19 on 28 February 2032, 20 the next day.
        (datetime.date(2012, 2, 29), datetime.date(2032, 2, 28), 19),
        (datetime.date(2012, 2, 29), datetime.date(2032, 2, 29), 20),
        (datetime.date(2008, 7, 1), datetime.date(2026, 6, 30), 17),
        (datetime.date(2008, 7, 1), datetime.date(2026, 7, 1), 18),
    ],
)
def test_age_is_counted_in_years_as_the_civil_code_counts_them(born, day, age):
    assert age_on(born, day) == age
