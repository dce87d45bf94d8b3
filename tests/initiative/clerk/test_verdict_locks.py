"""The clerk's verdicts under concurrency, with real threads and commits: clerks on different rows never
wait, on the same row they queue, and verdicts and decisions wait for each other (the locking described in
initiative.clerk.verification)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import ClerkMembership
from initiative.clerk.verification import verdicts_set, verification_counts
from initiative.errors import TransitionRefused
from initiative.lifecycle import Action, Status
from initiative.models import Initiative
from signatures.models import Signature, Verdict
from tests.initiative.clerk.conftest import invalid, paper_ids, start_verification, valid
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper


@pytest.fixture
def verifying_committed(collecting_initiative, author, clerk_of_gliwice):
    """Under verification with six paper signatures, in a transactional test (every step commits).

    Filing would run the packet task at its commit here, and the packet is not what these tests are
    about: the state goes to `submitted` directly, and the verification starts through the transition.
    """
    sign_on_paper(collecting_initiative, author, 6)
    Initiative.objects.filter(pk=collecting_initiative.pk).update(
        status=Status.SUBMITTED, submitted_at=timezone.now(), signature_threshold=FILED_THRESHOLD
    )
    return start_verification(collecting_initiative, clerk_of_gliwice)


@pytest.fixture
def second_clerk(make_user, clerk_of_gliwice):
    clerk = make_user("druga.urzedniczka@gliwice.example.org", full_name="Druga Urzędniczka")
    ClerkMembership.objects.create(user=clerk, unit=clerk_of_gliwice.clerk_memberships.get().unit)
    return clerk


class Step:
    """Runs `work` in a thread with its own connection, recording when it finished and what it raised."""

    def __init__(self, work):
        self.finished_at = None
        self.error = None
        self.result = None
        self.thread = threading.Thread(target=self._run, args=(work,))

    def _run(self, work):
        try:
            self.result = work()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            self.finished_at = time.monotonic()
            connection.close()

    def start(self) -> "Step":
        self.thread.start()
        return self

    def join(self) -> "Step":
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "a thread is stuck"
        return self


WAIT = 1.0  # how long a step is given to show that it waits for a lock


@pytest.mark.django_db(transaction=True)
def test_two_clerks_on_different_rows_do_not_wait_for_each_other(
    verifying_committed, clerk_of_gliwice, second_clerk
):
    ids = paper_ids(verifying_committed)
    first_written, second_done = threading.Event(), threading.Event()
    commit_started = {}

    def first():
        with transaction.atomic():  # the verdicts stay uncommitted, their locks held, until the second lands
            verdicts_set(
                initiative_id=verifying_committed.pk,
                clerk=clerk_of_gliwice,
                verdicts=[valid(pk) for pk in ids[:3]],
            )
            first_written.set()
            second_done.wait(timeout=10)
            commit_started["first"] = time.monotonic()

    def second():
        first_written.wait(timeout=10)
        applied = verdicts_set(
            initiative_id=verifying_committed.pk, clerk=second_clerk, verdicts=[invalid(pk) for pk in ids[3:]]
        )
        second_done.set()
        return applied

    one, two = Step(first).start(), Step(second).start()
    one.join(), two.join()

    assert (one.error, two.error) == (None, None)
    assert two.finished_at < commit_started["first"]  # it did not wait for the first clerk's transaction
    assert two.result.invalid == 3  # its own rows; the first clerk's were not committed yet
    stored = Signature.objects.filter(pk__in=ids)
    assert {s.pk: (s.verdict, s.verdict_by_id) for s in stored} == {
        **dict.fromkeys(ids[:3], ("valid", clerk_of_gliwice.pk)),
        **dict.fromkeys(ids[3:], ("invalid", second_clerk.pk)),
    }


@pytest.mark.django_db(transaction=True)
def test_two_clerks_on_the_same_row_queue_and_the_later_wins(
    verifying_committed, clerk_of_gliwice, second_clerk
):
    row = paper_ids(verifying_committed)[0]
    first_written = threading.Event()
    commit_started = {}

    def first():
        with transaction.atomic():
            verdicts_set(initiative_id=verifying_committed.pk, clerk=clerk_of_gliwice, verdicts=[valid(row)])
            first_written.set()
            time.sleep(WAIT)
            commit_started["first"] = time.monotonic()

    def second():
        first_written.wait(timeout=10)
        return verdicts_set(
            initiative_id=verifying_committed.pk, clerk=second_clerk, verdicts=[invalid(row, "duplicate")]
        )

    one, two = Step(first).start(), Step(second).start()
    one.join(), two.join()

    assert (one.error, two.error) == (None, None)
    assert two.finished_at >= commit_started["first"]  # it waited for the row
    signature = Signature.objects.get(pk=row)
    assert (signature.verdict, signature.verdict_reason, signature.verdict_by) == (
        "invalid",
        "duplicate",
        second_clerk,
    )


@pytest.mark.django_db(transaction=True)
def test_verdicts_wait_for_a_decision_holding_the_initiative_and_then_see_its_state(
    verifying_committed, clerk_of_gliwice
):
    """A decision locks the initiative FOR UPDATE (initiative_for_clerk(lock=True)); a verdict sent
    meanwhile waits for it, and after an acceptance it is refused instead of changing the accepted list."""
    row = paper_ids(verifying_committed)[0]
    locked = threading.Event()
    commit_started = {}

    def decision():
        with transaction.atomic():
            initiative = Initiative.objects.select_for_update().get(pk=verifying_committed.pk)
            locked.set()
            time.sleep(WAIT)
            initiative.transition(Action.ACCEPT, actor=clerk_of_gliwice, session_date=timezone.localdate())
            commit_started["decision"] = time.monotonic()

    def verdict():
        locked.wait(timeout=10)
        return verdicts_set(
            initiative_id=verifying_committed.pk, clerk=clerk_of_gliwice, verdicts=[valid(row)]
        )

    one, two = Step(decision).start(), Step(verdict).start()
    one.join(), two.join()

    assert one.error is None
    assert isinstance(two.error, TransitionRefused)
    assert two.finished_at >= commit_started["decision"]
    assert Signature.objects.get(pk=row).verdict == Verdict.UNCHECKED


@pytest.mark.django_db(transaction=True)
def test_a_decision_waits_for_verdicts_in_flight_and_counts_them(verifying_committed, clerk_of_gliwice):
    """The other way round: verdicts hold the initiative FOR SHARE, so a decision that locks it FOR UPDATE
    starts only once they have committed, and the count it reads is exact."""
    ids = paper_ids(verifying_committed)
    written = threading.Event()
    commit_started = {}

    def verdicts():
        with transaction.atomic():
            verdicts_set(
                initiative_id=verifying_committed.pk,
                clerk=clerk_of_gliwice,
                verdicts=[valid(pk) for pk in ids],
            )
            written.set()
            time.sleep(WAIT)
            commit_started["verdicts"] = time.monotonic()

    def decision():
        written.wait(timeout=10)
        with transaction.atomic():
            initiative = Initiative.objects.select_for_update().get(pk=verifying_committed.pk)
            locked_at = time.monotonic()
            return locked_at, verification_counts(initiative).valid

    one, two = Step(verdicts).start(), Step(decision).start()
    one.join(), two.join()

    assert (one.error, two.error) == (None, None)
    locked_at, valid_seen = two.result
    assert locked_at >= commit_started["verdicts"]
    assert valid_seen == len(ids)
