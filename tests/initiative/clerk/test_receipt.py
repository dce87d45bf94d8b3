"""The office's receipt starts the council's term (art. 41a ust. 3 u.s.g.; docs/law.md §Deadlines): the
clerk records the day (initiative.clerk.decisions.initiative_receive, POST …/receive/), the 3-month term and
the verification term of the council's rules run from it, verification waits for it, a supplement period
does not move it, and clerks are reminded of a receipt not recorded and of the verification term.

Every test files on 30 November 2026 at noon in Warsaw.
"""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from initiative.clerk.decisions import (
    initiative_receive,
    initiative_request_supplement,
    initiative_start_verification,
)
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.reminders import deadline_reminders_send
from initiative.lifecycle import Status
from initiative.models import DeadlineReminder, Initiative, StatusChange
from tests.clock import frozen_at
from tests.initiative.clerk.test_clerk_api import api_as
from tests.initiative.conftest import receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_filing_day")]


FILED = datetime.date(2026, 11, 30)


def set_rules(initiative, **changes) -> None:
    rules = {**Initiative.objects.get(pk=initiative.pk).rules, **changes}
    Initiative.objects.filter(pk=initiative.pk).update(rules=rules)


def fresh(initiative) -> Initiative:
    return Initiative.objects.get(pk=initiative.pk)


def test_filing_alone_starts_no_term(filed_initiative):
    initiative = fresh(filed_initiative)
    assert initiative.status == Status.SUBMITTED
    assert (initiative.received_on, initiative.consideration_deadline, initiative.verification_deadline) == (
        None,
        None,
        None,
    )


def test_the_day_of_receipt_starts_the_three_months_and_tells_the_committee(
    filed_initiative, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with frozen_at(2026, 12, 3, 9), django_capture_on_commit_callbacks(execute=True):
        initiative_receive(
            initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, received_on=datetime.date(2026, 12, 2)
        )
    initiative = fresh(filed_initiative)
    assert initiative.received_on == datetime.date(2026, 12, 2)
    assert initiative.consideration_deadline == datetime.date(2027, 3, 2)  # art. 112 k.c.
    assert initiative.status == Status.SUBMITTED
    change = StatusChange.objects.filter(initiative=initiative).last()
    assert (change.action, change.from_status, change.to_status, change.actor) == (
        "receive",
        "submitted",
        "submitted",
        clerk_of_gliwice,
    )
    assert mail.outbox and "2 grudnia 2026" in mail.outbox[0].body and "2 marca 2027" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2026, 12, 1), "cannot be in the future"),
        (datetime.date(2026, 11, 29), "filed on Nov. 30, 2026"),
    ],
)
def test_a_day_in_the_future_or_before_filing_is_refused_and_changes_nothing(
    filed_initiative, clerk_of_gliwice, day, message
):
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        initiative_receive(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, received_on=day)
    assert list(refusal.value.errors) == ["received_on"] and message in refusal.value.errors["received_on"][0]
    assert fresh(filed_initiative).received_on is None
    assert not StatusChange.objects.filter(initiative=filed_initiative, action="receive").exists()


def test_verification_waits_for_the_day_of_receipt(filed_initiative, clerk_of_gliwice):
    with translation.override("en"), pytest.raises(TransitionRefused, match="Record first the day"):
        initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    assert fresh(filed_initiative).status == Status.SUBMITTED

    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    assert fresh(filed_initiative).status == Status.UNDER_VERIFICATION


def test_the_day_may_be_corrected_until_verification_starts(filed_initiative, clerk_of_gliwice):
    receive(filed_initiative, clerk_of_gliwice)
    receive(filed_initiative, clerk_of_gliwice, on=datetime.date(2026, 11, 30))
    assert fresh(filed_initiative).consideration_deadline == datetime.date(2027, 2, 28)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    with pytest.raises(TransitionRefused):
        receive(filed_initiative, clerk_of_gliwice)
    assert fresh(filed_initiative).received_on == FILED


def test_the_rules_verification_term_counts_days_after_receipt(filed_initiative, clerk_of_gliwice):
    set_rules(filed_initiative, verification_days=14)
    receive(filed_initiative, clerk_of_gliwice, on=FILED)
    # 14 days after 30 November, the day of receipt not counted (art. 111 § 2 k.c.).
    assert fresh(filed_initiative).verification_deadline == datetime.date(2026, 12, 14)


def test_a_supplement_period_neither_moves_nor_erases_the_term(filed_initiative, clerk_of_gliwice, author):
    from initiative.filing.submit import initiative_submit

    set_rules(filed_initiative, supplement_days=7)
    receive(filed_initiative, clerk_of_gliwice, on=FILED)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    with frozen_at(2026, 12, 10, 12):
        initiative_request_supplement(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
        assert fresh(filed_initiative).consideration_deadline == datetime.date(2027, 2, 28)
        initiative_submit(initiative_id=filed_initiative.pk, actor=author)
        with pytest.raises(TransitionRefused):  # the first receipt is the one that counts
            receive(filed_initiative, clerk_of_gliwice)
    initiative = fresh(filed_initiative)
    assert (initiative.received_on, initiative.consideration_deadline) == (FILED, datetime.date(2027, 2, 28))
    initiative_start_verification(
        initiative_id=initiative.pk, clerk=clerk_of_gliwice
    )  # no new receipt needed


# The API -------------------------------------------------------------------------------------------------


def test_the_api_records_the_day_and_answers_400_and_409_as_the_contract_says(
    filed_initiative, clerk_of_gliwice
):
    api = api_as(clerk_of_gliwice)
    base = f"/api/v1/clerk/initiatives/{filed_initiative.pk}/"
    public = api_as(None).get(f"/api/v1/initiatives/{filed_initiative.pk}/").json()
    assert public["consideration_deadline"] is None

    assert api.post(base + "start_verification/").status_code == 409
    assert api.post(base + "receive/", {"received_on": "2026-12-01"}, format="json").status_code == 400
    assert api.post(base + "receive/", {"received_on": "2026-11-29"}, format="json").status_code == 400
    assert api.post(base + "receive/", {"received_on": "30.11.2026"}, format="json").status_code == 400
    assert fresh(filed_initiative).received_on is None

    response = api.post(base + "receive/", {"received_on": "2026-11-30"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["received_on"], body["consideration_deadline"]) == ("2026-11-30", "2027-02-28")
    assert body["timeline"][-1]["action"] == "receive"
    assert api.post(base + "start_verification/").status_code == 200
    assert api.post(base + "receive/", {"received_on": "2026-11-30"}, format="json").status_code == 409


# Reminders -----------------------------------------------------------------------------------------------


def test_clerks_are_reminded_weekly_of_a_receipt_not_recorded(
    filed_initiative, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send(today=datetime.date(2026, 12, 6)) == 0  # six days after filing
        assert deadline_reminders_send(today=datetime.date(2026, 12, 7)) == 1
        assert deadline_reminders_send(today=datetime.date(2026, 12, 8)) == 0  # once a week
        assert deadline_reminders_send(today=datetime.date(2026, 12, 14)) == 1
    assert [message.to for message in mail.outbox] == [[clerk_of_gliwice.email]] * 2
    assert "Odnotuj dzień wpływu" in mail.outbox[0].subject  # e-mails to offices go out in Polish
    with frozen_at(2026, 12, 15, 9):
        receive(filed_initiative, clerk_of_gliwice, on=datetime.date(2026, 12, 1))
    assert deadline_reminders_send(today=datetime.date(2026, 12, 21)) == 0  # recorded: no more


def test_clerks_are_reminded_of_the_verification_term(filed_initiative, clerk_of_gliwice):
    set_rules(filed_initiative, verification_days=14)
    receive(filed_initiative, clerk_of_gliwice, on=FILED)
    mail.outbox.clear()
    assert deadline_reminders_send(today=datetime.date(2026, 12, 10)) == 0  # four days left
    assert deadline_reminders_send(today=datetime.date(2026, 12, 11)) == 1  # three days left
    assert deadline_reminders_send(today=datetime.date(2026, 12, 12)) == 0
    assert list(DeadlineReminder.objects.values_list("kind", "deadline")) == [
        ("verification", datetime.date(2026, 12, 14))
    ]
