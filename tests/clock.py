"""A frozen clock for tests whose answer depends on the day: Warsaw wall time, standing still.

Deadlines are Europe/Warsaw calendar days, so a test that computed its expectation from today's date
would meet a month's end, a leap day or a change of clocks only on some days of the year. These tests
stand at a chosen instant instead. Python's clock alone is frozen: PostgreSQL's now(), a worker in
another process and a browser keep the real time, so rows stamped by the database are never compared
with it.
"""

import datetime
import zoneinfo

import time_machine

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def frozen_at(*when: int) -> time_machine.travel:
    """Stand still at the given Warsaw wall time: frozen_at(2026, 11, 30, 12)."""
    return time_machine.travel(datetime.datetime(*when, tzinfo=WARSAW), tick=False)
