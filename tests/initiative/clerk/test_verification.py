"""The clerk's verdicts on the filed support list: counts, all-or-nothing batches, states, locks."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ClerkMembership
from initiative.clerk.verification import verdicts_mark, verdicts_set, verification_counts
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.submit import initiative_submit
from initiative.lifecycle import Action, Status
from initiative.models import Initiative
from signatures.models import Signature, Verdict
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.tokens import confirm_token, withdraw_token
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper
from tests.signatures.conftest import add_signatures, supporter


def paper_ids(initiative) -> list[int]:
    return list(
        Signature.objects.filter(initiative=initiative, method="paper", status="confirmed")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def valid(signature_id: int) -> dict:
    return {"signature": signature_id, "valid": True}


def invalid(signature_id: int, reason: str = "not_in_register") -> dict:
    return {"signature": signature_id, "valid": False, "reason": reason}


def stored_verdicts(initiative) -> dict[int, tuple[str, str]]:
    rows = Signature.objects.filter(initiative=initiative).values_list("pk", "verdict", "verdict_reason")
    return {pk: (verdict, reason) for pk, verdict, reason in rows}


def start_verification(initiative, clerk) -> Initiative:
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        locked.transition(Action.START_VERIFICATION, actor=clerk)
    return locked


@pytest.fixture
def with_uncounted(collecting_initiative, author, clerk_of_gliwice):
    """Filed like `filed_initiative`, plus signatures that are not on the support list: an e-mail declaration
    (Gliwice's rules accept paper and e-signatures only), an unconfirmed one and a withdrawn paper row."""
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD + 1)
    email = signature_submit(
        initiative_id=collecting_initiative.pk, data=supporter(), method="email"
    ).signature
    signature_confirm(token=confirm_token(email.pk))
    pending = signature_submit(
        initiative_id=collecting_initiative.pk,
        data=supporter(first_names="Ewa", email="ewa@example.org"),
        method="email",
    ).signature
    (withdrawn,) = sign_on_paper(collecting_initiative, author, 1, first=50)
    signature_withdraw(token=withdraw_token(withdrawn.pk))
    initiative_submit(initiative_id=collecting_initiative.pk, actor=author)
    initiative = start_verification(collecting_initiative, clerk_of_gliwice)
    return initiative, {"email": email.pk, "pending": pending.pk, "withdrawn": withdrawn.pk}


def test_counts_are_of_the_counted_signatures_only(with_uncounted):
    initiative, _others = with_uncounted

    counts = verification_counts(initiative)

    assert (counts.valid, counts.invalid, counts.unchecked, counts.total) == (0, 0, 6, 6)
    assert counts.threshold == FILED_THRESHOLD
    assert not counts.threshold_met
    assert Signature.objects.filter(initiative=initiative).count() == 9


def test_counts_are_one_query(verifying_initiative):
    with CaptureQueriesContext(connection) as queries:
        verification_counts(verifying_initiative)

    assert len(queries) == 1
    assert "GROUP BY" in queries[0]["sql"]


def test_one_verdict_is_stored_with_who_and_when(verifying_initiative, clerk_of_gliwice):
    first = paper_ids(verifying_initiative)[0]
    before = timezone.now()

    applied = verdicts_set(
        initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=[valid(first)]
    )

    assert (applied.updated, applied.valid, applied.unchecked, applied.total) == (1, 1, 5, 6)
    signature = Signature.objects.get(pk=first)
    assert (signature.verdict, signature.verdict_reason) == (Verdict.VALID, "")
    assert signature.verdict_by == clerk_of_gliwice
    assert before <= signature.verdict_at <= timezone.now()


def test_a_batch_sets_each_row_and_the_counts_follow(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative)

    applied = verdicts_set(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        verdicts=[valid(pk) for pk in ids[:4]] + [invalid(ids[4], "under_18"), invalid(ids[5], "duplicate")],
    )

    assert (applied.updated, applied.valid, applied.invalid, applied.unchecked) == (6, 4, 2, 0)
    assert not applied.threshold_met  # 4 valid of 5
    assert stored_verdicts(verifying_initiative)[ids[4]] == ("invalid", "under_18")
    # The clerk changes their mind on one row: the reason goes with the invalid verdict.
    applied = verdicts_set(
        initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=[valid(ids[4])]
    )
    assert (applied.valid, applied.invalid, applied.threshold_met) == (5, 1, True)
    assert stored_verdicts(verifying_initiative)[ids[4]] == ("valid", "")
    assert verification_counts(verifying_initiative) == verification_counts(
        Initiative.objects.get(pk=verifying_initiative.pk)
    )


def test_the_bulk_mark_gives_every_selected_row_one_verdict(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative)

    applied = verdicts_mark(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        signature_ids=ids[1:4],
        valid=False,
        reason="illegible",
    )

    assert (applied.updated, applied.invalid) == (3, 3)
    stored = stored_verdicts(verifying_initiative)
    assert [stored[pk] for pk in ids] == [("unchecked", "")] + [("invalid", "illegible")] * 3 + [
        ("unchecked", "")
    ] * 2
    with pytest.raises(InvalidInput):
        verdicts_mark(
            initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, signature_ids=[], valid=True
        )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"valid": False}, "give the reason why the signature is invalid"),
        ({"valid": False, "reason": "looks odd"}, "unknown reason “looks odd”"),
        ({"valid": True, "reason": "duplicate"}, "a valid signature takes no reason"),
        ({"valid": "yes"}, "“valid” must be true or false"),
        ({"valid": False, "reason": 7}, "“reason” must be a text"),
    ],
)
def test_one_wrong_item_refuses_the_whole_batch(verifying_initiative, clerk_of_gliwice, item, message):
    ids = paper_ids(verifying_initiative)
    before = stored_verdicts(verifying_initiative)

    with translation_en(), pytest.raises(InvalidInput) as refusal:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[valid(ids[0]), valid(ids[1]), {"signature": ids[2], **item}],
        )

    (problem,) = refusal.value.errors["verdicts"]
    assert problem.startswith(f"item 3, signature {ids[2]}: ")
    assert message in problem
    assert stored_verdicts(verifying_initiative) == before


def translation_en():
    from django.utils import translation

    return translation.override("en")


def test_every_wrong_item_is_named(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative)

    with translation_en(), pytest.raises(InvalidInput) as refusal:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=["valid", {"signature": "12", "valid": True}, invalid(ids[0], ""), valid(ids[1])],
        )

    assert refusal.value.errors["verdicts"] == [
        "item 1: give an object with “signature”, “valid” and “reason”.",
        "item 2: “signature” must be the number of a signature.",
        f"item 3, signature {ids[0]}: give the reason why the signature is invalid (one of not_in_register, "
        "not_resident, under_18, duplicate, incomplete, illegible).",
    ]
    assert all(verdict == ("unchecked", "") for verdict in stored_verdicts(verifying_initiative).values())


@pytest.mark.parametrize("verdicts", [[], None, {"signature": 1, "valid": True}])
def test_no_list_is_refused(verifying_initiative, clerk_of_gliwice, verdicts):
    with pytest.raises(InvalidInput) as refusal:
        verdicts_set(initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=verdicts)
    assert list(refusal.value.errors) == ["verdicts"]


def test_the_same_signature_twice_in_one_batch_is_refused(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative)

    with translation_en(), pytest.raises(InvalidInput) as refusal:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[valid(ids[0]), valid(ids[1]), invalid(ids[0])],
        )

    assert refusal.value.errors["verdicts"] == [
        f"item 3, signature {ids[0]}: signature {ids[0]} is already given in item 1, signature {ids[0]}."
    ]
    assert Signature.objects.filter(initiative=verifying_initiative, verdict="valid").count() == 0


def test_signatures_not_on_the_support_list_are_refused(
    with_uncounted, clerk_of_gliwice, other_verifying_initiative
):
    initiative, others = with_uncounted
    foreign = paper_ids(other_verifying_initiative)[0]
    outside = [others["email"], others["pending"], others["withdrawn"], foreign, 10**12]
    good = paper_ids(initiative)[0]

    with translation_en(), pytest.raises(InvalidInput) as refusal:
        verdicts_set(
            initiative_id=initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[valid(good)] + [valid(pk) for pk in outside],
        )

    problems = refusal.value.errors["verdicts"]
    assert problems == [
        f"item {number}, signature {pk}: signature {pk} is not on this initiative's support list."
        for number, pk in enumerate(outside, start=2)
    ]
    assert Signature.objects.filter(verdict="valid").count() == 0


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED, Status.ADOPTED])
def test_verdicts_only_while_under_verification(verifying_initiative, clerk_of_gliwice, status):
    Initiative.objects.filter(pk=verifying_initiative.pk).update(status=status)
    first = paper_ids(verifying_initiative)[0]

    with translation_en(), pytest.raises(TransitionRefused) as refusal:
        verdicts_set(initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=[valid(first)])

    assert "only while the signatures are under verification" in refusal.value.detail
    assert Signature.objects.get(pk=first).verdict == Verdict.UNCHECKED


def test_a_wrong_batch_on_a_closed_initiative_is_refused_as_closed(filed_initiative, clerk_of_gliwice):
    """The state is checked before the items: 409 says what matters, whatever the batch holds."""
    with pytest.raises(TransitionRefused):
        verdicts_set(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, verdicts=["nonsense"])


def test_other_councils_clerks_and_committee_members_see_nothing(
    verifying_initiative, clerk_of_katowice, author, outsider
):
    first = paper_ids(verifying_initiative)[0]
    for person in (clerk_of_katowice, author, outsider):
        with pytest.raises(NotVisible):
            verdicts_set(initiative_id=verifying_initiative.pk, clerk=person, verdicts=[valid(first)])
        with pytest.raises(NotVisible):  # even a wrong batch says nothing but "not found"
            verdicts_set(initiative_id=verifying_initiative.pk, clerk=person, verdicts=[])
    assert Signature.objects.get(pk=first).verdict == Verdict.UNCHECKED


def test_a_batch_costs_the_same_few_queries_whatever_its_size(verifying_initiative, clerk_of_gliwice):
    ids = paper_ids(verifying_initiative) + add_signatures(verifying_initiative, 1000)
    small, large = ids[:3], ids[3:]

    with CaptureQueriesContext(connection) as few:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[valid(pk) for pk in small],
        )
    with CaptureQueriesContext(connection) as many:
        verdicts_set(
            initiative_id=verifying_initiative.pk,
            clerk=clerk_of_gliwice,
            verdicts=[invalid(pk) for pk in large],
        )

    assert len(many) == len(few) <= 8
    assert verification_counts(verifying_initiative).invalid == len(large)


def test_ten_thousand_verdicts_in_one_batch_are_quick(verifying_initiative, clerk_of_gliwice):
    ids = add_signatures(verifying_initiative, 10_000)
    started = time.perf_counter()

    applied = verdicts_set(
        initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, verdicts=[valid(pk) for pk in ids]
    )

    elapsed = time.perf_counter() - started
    assert (applied.updated, applied.valid) == (10_000, 10_000)
    assert elapsed < 5, f"10,000 verdicts took {elapsed:.1f} s"


# Concurrency: real threads and commits ----------------------------------------------------------------


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
