"""The clerk's verdicts on the filed support list: counts, all-or-nothing batches, states, who may give them.
Their cost is in test_verdict_costs, their locks in test_verdict_locks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiative.clerk.verification import verdicts_mark, verdicts_set, verification_counts
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.submit import initiative_submit
from initiative.lifecycle import Status
from initiative.models import Initiative
from signatures.models import Signature, Verdict
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.tokens import confirm_token, withdraw_token
from tests.initiative.clerk.conftest import invalid, paper_ids, start_verification, stored_verdicts, valid
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper
from tests.signatures.conftest import supporter


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
        "not_resident, under_18, duplicate, incomplete, illegible, no_original).",
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
