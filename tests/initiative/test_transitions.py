import datetime

import pytest
from django.db import transaction

from initiative import services
from initiative.errors import TransitionRefused
from initiative.lifecycle import TRANSITIONS, Status
from initiative.models import Initiative, StatusChange
from tests.clock import WARSAW, frozen_at
from tests.concurrently import at_once, failures


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_action_from_every_state_follows_the_table(start_initiative, author, action):
    initiative = start_initiative(author)
    sources, targets = TRANSITIONS[action]
    target = sorted(targets)[0]
    for status in Status:
        Initiative.objects.filter(pk=initiative.pk).update(status=status)
        StatusChange.objects.filter(initiative=initiative, action=action).delete()
        with transaction.atomic():
            locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
            if status in sources:
                locked.transition(action, actor=author, to=target)
            else:
                with pytest.raises(TransitionRefused):
                    locked.transition(action, actor=author, to=target)
        stored = Initiative.objects.get(pk=initiative.pk)
        assert stored.status == (target if status in sources else status), status
        changes = StatusChange.objects.filter(initiative=initiative, action=action)
        assert changes.count() == (1 if status in sources else 0), status


@pytest.mark.django_db(transaction=True)
def test_transition_outside_a_transaction_is_a_programming_error(start_initiative, author):
    initiative = start_initiative(author)
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        initiative.transition("withdraw", actor=author)


@pytest.mark.django_db
def test_record_outcome_needs_a_named_outcome(start_initiative, author):
    initiative = start_initiative(author)
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.ACCEPTED)
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        with pytest.raises(TransitionRefused):
            locked.transition("record_outcome", actor=author)
        with pytest.raises(TransitionRefused):
            locked.transition("record_outcome", actor=author, to=Status.REJECTED)


@pytest.mark.django_db(transaction=True)
def test_two_members_opening_at_once_open_it_once(ready_initiative, author):
    from initiative.models import CommitteeMember

    other = CommitteeMember.objects.filter(initiative=ready_initiative).exclude(user=author).first().user
    outcomes = at_once(
        lambda: services.initiative_open(initiative_id=ready_initiative.pk, actor=author),
        lambda: services.initiative_open(initiative_id=ready_initiative.pk, actor=other),
    )
    refused = failures(outcomes)
    assert len(refused) == 1 and isinstance(refused[0], TransitionRefused)
    assert StatusChange.objects.filter(initiative=ready_initiative, action="open").count() == 1


@pytest.fixture
def a_second_past_midnight():
    """Both racers read the same clock, standing at 00:00:01 on 1 February 2026 in Warsaw."""
    with frozen_at(2026, 2, 1, 0, 0, 1):
        yield


@pytest.mark.django_db(transaction=True)
def test_withdraw_racing_the_expiry_task_leaves_one_outcome(
    a_second_past_midnight, collecting_initiative, author
):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(
        collection_ends_at=datetime.datetime(2026, 2, 1, tzinfo=WARSAW),  # a second ago
        opened_at=datetime.datetime(2026, 1, 31, 0, 0, 1, tzinfo=WARSAW),
    )
    outcomes = at_once(
        lambda: services.initiative_expire(initiative_id=collecting_initiative.pk),
        lambda: services.initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author),
    )
    refused = failures(outcomes)
    assert len(refused) == 1 and isinstance(refused[0], TransitionRefused)
    final = Initiative.objects.get(pk=collecting_initiative.pk)
    assert final.status in {Status.EXPIRED, Status.WITHDRAWN}
    assert final.status_changes.filter(action__in=["expire", "withdraw"]).count() == 1
