import datetime
import zoneinfo

import pytest

from initiative.lifecycle import TRANSITIONS, Action, Status

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def test_every_action_but_create_has_a_row_and_every_state_is_reachable():
    assert set(TRANSITIONS) == set(Action) - {Action.CREATE}
    reachable = {Status.DRAFT} | {target for _sources, targets in TRANSITIONS.values() for target in targets}
    assert reachable == set(Status)


@pytest.mark.parametrize(
    ("action", "sources", "targets"),
    [
        (Action.OPEN, {Status.DRAFT}, {Status.COLLECTING}),
        (Action.WITHDRAW, {Status.DRAFT, Status.COLLECTING}, {Status.WITHDRAWN}),
        (Action.EXPIRE, {Status.COLLECTING}, {Status.EXPIRED}),
        (Action.SUBMIT, {Status.COLLECTING}, {Status.SUBMITTED}),
        (Action.START_VERIFICATION, {Status.SUBMITTED}, {Status.UNDER_VERIFICATION}),
        (Action.REQUEST_SUPPLEMENT, {Status.UNDER_VERIFICATION}, {Status.COLLECTING}),
        (Action.ACCEPT, {Status.UNDER_VERIFICATION}, {Status.ACCEPTED}),
        (Action.REJECT, {Status.UNDER_VERIFICATION}, {Status.REJECTED}),
        (Action.RECORD_OUTCOME, {Status.ACCEPTED}, {Status.ADOPTED, Status.NOT_ADOPTED}),
    ],
)
def test_the_table_matches_the_lifecycle_of_the_design(action, sources, targets):
    assert TRANSITIONS[action] == (sources, targets)


@pytest.mark.parametrize(
    ("opened", "days", "ends"),
    [
        # Opened at any hour of 1 November: the 30th day is 30 November, so the window ends at midnight.
        (
            datetime.datetime(2026, 11, 1, 0, 5, tzinfo=WARSAW),
            30,
            datetime.datetime(2026, 12, 1, tzinfo=WARSAW),
        ),
        (
            datetime.datetime(2026, 11, 1, 23, 55, tzinfo=WARSAW),
            30,
            datetime.datetime(2026, 12, 1, tzinfo=WARSAW),
        ),
        # 22:30 UTC on 31 October is already 1 November in Warsaw (UTC+1 in winter).
        (
            datetime.datetime(2026, 10, 31, 23, 30, tzinfo=datetime.UTC),
            1,
            datetime.datetime(2026, 11, 2, tzinfo=WARSAW),
        ),
        # Across the change to summer time on 29 March 2026.
        (
            datetime.datetime(2026, 3, 28, 12, 0, tzinfo=WARSAW),
            2,
            datetime.datetime(2026, 3, 30, tzinfo=WARSAW),
        ),
    ],
)
def test_collection_window_ends_at_midnight_warsaw_after_the_last_day(opened, days, ends):
    from initiative.models import collection_end

    assert collection_end(opened, days) == ends
