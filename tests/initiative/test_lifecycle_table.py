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
        (Action.RECEIVE, {Status.SUBMITTED}, {Status.SUBMITTED}),
        (Action.START_VERIFICATION, {Status.SUBMITTED}, {Status.UNDER_VERIFICATION}),
        (Action.REQUEST_SUPPLEMENT, {Status.UNDER_VERIFICATION}, {Status.COLLECTING}),
        (Action.ACCEPT, {Status.UNDER_VERIFICATION}, {Status.ACCEPTED}),
        (Action.REJECT, {Status.UNDER_VERIFICATION}, {Status.REJECTED}),
        (Action.RECORD_OUTCOME, {Status.ACCEPTED}, {Status.ADOPTED, Status.NOT_ADOPTED}),
    ],
)
def test_the_table_matches_the_lifecycle_of_the_design(action, sources, targets):
    assert TRANSITIONS[action] == (sources, targets)
