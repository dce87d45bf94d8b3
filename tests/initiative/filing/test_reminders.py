"""Daily reminders to the council's clerks before the 3-month term (art. 41a ust. 3 u.s.g.): at 14 days and
at 3 days, once each, a missed day made up, and never twice even when two runs overlap. The term runs from
the office's receipt, here on the day of filing (the reminders of a receipt not recorded and of the
verification term: tests/initiative/clerk/test_receipt.py)."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from initiative.clerk.decisions import initiative_start_verification
from initiative.filing.deadlines import consideration_deadline
from initiative.filing.reminders import deadline_reminders_send
from initiative.lifecycle import Status
from initiative.models import DeadlineReminder, Initiative
from tests.clock import frozen_at

DAY = datetime.timedelta(days=1)
# Filed on 30 November 2026: the term ends on 28 February 2027 (no 30 February), so the reminders fall
# on 14 and 25 February, counted back across a month's end.
FILED_ON = (2026, 11, 30, 12)
DEADLINE = datetime.date(2027, 2, 28)


@pytest.fixture(autouse=True)
def filing_day():
    with frozen_at(*FILED_ON):
        yield


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def deadline(filed_initiative) -> datetime.date:
    """Received by the office on the day of filing (as the clerk records it: initiative_receive)."""
    received_on = timezone.localdate()
    Initiative.objects.filter(pk=filed_initiative.pk).update(
        received_on=received_on, consideration_deadline=consideration_deadline(received_on)
    )
    stored = Initiative.objects.get(pk=filed_initiative.pk).consideration_deadline
    assert stored == DEADLINE
    return stored


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One daily run on the given day, its e-mails sent when it commits; returns the e-mails it sent."""

    def run_on(day: datetime.date) -> list:
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            ordered = deadline_reminders_send(today=day)
        sent = mail.outbox[sent_before:]
        assert ordered == len(sent)
        return sent

    return run_on


def reminders(initiative) -> list[tuple[datetime.date, int]]:
    return list(
        DeadlineReminder.objects.filter(initiative=initiative)
        .order_by("-days_before")
        .values_list("deadline", "days_before")
    )


@pytest.mark.django_db
def test_fourteen_and_three_days_before_once_each(
    run, filed_initiative, deadline, clerk_of_gliwice, clerk_of_katowice
):
    assert run(deadline - 15 * DAY) == []

    sent = run(deadline - 14 * DAY)
    assert [message.to for message in sent] == [[clerk_of_gliwice.email]]  # not Katowice's clerk
    assert "14" in sent[0].subject and filed_initiative.title in sent[0].subject
    assert f"/clerk/initiatives/{filed_initiative.pk}/" in sent[0].body
    assert run(deadline - 14 * DAY) == []  # the same day again
    assert run(deadline - 4 * DAY) == []

    sent = run(deadline - 3 * DAY)
    assert len(sent) == 1 and "3" in sent[0].subject
    assert run(deadline - 3 * DAY) == [] and run(deadline - 1 * DAY) == [] and run(deadline) == []
    assert reminders(filed_initiative) == [(deadline, 14), (deadline, 3)]


@pytest.mark.django_db
def test_a_missed_day_still_sends(run, filed_initiative, deadline, clerk_of_gliwice):
    assert len(run(deadline - 12 * DAY)) == 1  # the run 14 days before did not happen
    assert len(run(deadline - 2 * DAY)) == 1  # nor the one 3 days before
    assert reminders(filed_initiative) == [(deadline, 14), (deadline, 3)]


@pytest.mark.django_db
def test_both_missed_make_one_email_with_the_days_actually_left(
    run, filed_initiative, deadline, clerk_of_gliwice
):
    sent = run(deadline - 2 * DAY)
    assert len(sent) == 1 and "2" in sent[0].subject
    assert reminders(filed_initiative) == [(deadline, 14), (deadline, 3)]
    assert run(deadline - 1 * DAY) == []


@pytest.mark.django_db
def test_every_clerk_of_the_council_gets_one(run, filed_initiative, deadline, clerk_of_gliwice, make_user):
    from accounts.models import ClerkMembership

    second = make_user("druga@gliwice.example.org")
    ClerkMembership.objects.create(user=second, unit=filed_initiative.municipality)
    sent = run(deadline - 14 * DAY)
    assert sorted(message.to[0] for message in sent) == sorted([clerk_of_gliwice.email, second.email])


@pytest.mark.django_db
def test_under_verification_is_reminded_too(
    run, filed_initiative, deadline, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the committee's notices go as it commits
        initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    assert len(run(deadline - 3 * DAY)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN, Status.ADOPTED])
def test_no_reminder_in_other_states(run, filed_initiative, deadline, clerk_of_gliwice, state):
    Initiative.objects.filter(pk=filed_initiative.pk).update(status=state)
    assert run(deadline - 3 * DAY) == []
    assert reminders(filed_initiative) == []


@pytest.mark.django_db
def test_a_supplement_period_keeps_the_term_and_its_reminders(
    run, filed_initiative, deadline, clerk_of_gliwice
):
    """Local rules cannot lengthen the statute's term (art. 41a ust. 5 u.s.g.): collecting again, the
    council's term still runs and the clerks are still reminded."""
    Initiative.objects.filter(pk=filed_initiative.pk).update(
        status=Status.COLLECTING, supplement_requested_at=timezone.now()
    )
    assert len(run(deadline - 3 * DAY)) == 1


@pytest.mark.django_db
def test_no_reminder_after_the_deadline(run, filed_initiative, deadline, clerk_of_gliwice):
    assert run(deadline + DAY) == []


@pytest.mark.django_db
def test_without_a_clerk_nothing_is_claimed_until_one_exists(run, filed_initiative, deadline, make_user):
    from accounts.models import ClerkMembership

    assert run(deadline - 14 * DAY) == []
    assert reminders(filed_initiative) == []
    clerk = make_user("nowy@gliwice.example.org")
    ClerkMembership.objects.create(user=clerk, unit=filed_initiative.municipality)
    assert [message.to for message in run(deadline - 13 * DAY)] == [[clerk.email]]


@pytest.mark.django_db
def test_a_new_deadline_gets_its_own_reminders(run, filed_initiative, deadline, clerk_of_gliwice):
    assert len(run(deadline - 3 * DAY)) == 1
    later = deadline + 30 * DAY  # the day of receipt corrected: a new term
    Initiative.objects.filter(pk=filed_initiative.pk).update(consideration_deadline=later)
    assert len(run(later - 14 * DAY)) == 1


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_send_each_reminder_once(collecting_initiative, clerk_of_gliwice):
    """The first run has inserted its row and not committed yet; the second waits on the unique index and,
    once the first commits, finds the row taken and sends nothing."""
    # Filed as far as reminders care (state and term); without ordering a packet, which would be built at
    # once here, where every commit is real.
    now = timezone.now()
    deadline = consideration_deadline(timezone.localdate())
    assert deadline == DEADLINE
    Initiative.objects.filter(pk=collecting_initiative.pk).update(
        status=Status.SUBMITTED,
        submitted_at=now,
        received_on=timezone.localdate(),
        consideration_deadline=deadline,
    )
    mail.outbox.clear()
    day = deadline - 14 * DAY
    inserted, go = threading.Event(), threading.Event()
    results: dict[str, int] = {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = deadline_reminders_send(today=day)
                inserted.set()
                go.wait(10)
        finally:
            connection.close()

    def second():
        try:
            results["second"] = deadline_reminders_send(today=day)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert inserted.wait(10)
    two = threading.Thread(target=second)
    two.start()
    time.sleep(0.5)
    assert two.is_alive()  # waiting for the first run's row
    go.set()
    one.join(10)
    two.join(10)

    assert results == {"first": 1, "second": 0}
    assert [message.to for message in mail.outbox] == [[clerk_of_gliwice.email]]
    assert reminders(collecting_initiative) == [(deadline, 14)]
