"""The council's decisions (initiative.clerk.decisions): guards, refusals, the timeline, the committee's
notices."""

import datetime

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from initiative.clerk.decisions import (
    initiative_accept,
    initiative_receive,
    initiative_record_outcome,
    initiative_reject,
    initiative_request_supplement,
    initiative_start_verification,
)
from initiative.clerk.verification import verdicts_set
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.submit import collection_windows_close, initiative_submit
from initiative.lifecycle import Status
from initiative.models import CommitteeMember, Initiative, StatusChange
from initiative.terms import window_end
from signatures.models import Signature
from tests.initiative.conftest import FILED_THRESHOLD, originals

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_filing_day")]

# Every test here files and decides on 30 November 2026, at noon in Warsaw: the term then ends on
# 28 February 2027, the month's last day (no 30 February).
TODAY = datetime.date(2026, 11, 30)
DEADLINE = datetime.date(2027, 2, 28)


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched in English; e-mails still go out in Polish (settings.LANGUAGE_CODE)."""
    with translation.override("en"):
        yield


def committee_addresses(initiative) -> list[str]:
    return sorted(
        CommitteeMember.objects.filter(initiative=initiative, left_at__isnull=True).values_list(
            "user__email", flat=True
        )
    )


def mark(initiative, clerk, *, valid: int, invalid: int = 0) -> None:
    """The clerk's verdicts, through the verification service: the first `valid` rows valid, then invalid."""
    ids = list(Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= valid + invalid
    verdicts = [{"signature": pk, "valid": True, "reason": ""} for pk in ids[:valid]]
    verdicts += [
        {"signature": pk, "valid": False, "reason": "not_in_register"} for pk in ids[valid : valid + invalid]
    ]
    verdicts_set(initiative_id=initiative.pk, clerk=clerk, verdicts=verdicts)


def polish_date(day: datetime.date) -> str:
    with translation.override("pl"):
        return formats.date_format(day, "j E Y")


@pytest.fixture
def received(filed_initiative, clerk_of_gliwice):
    """Filed, and received by the council's office the same day (recorded by its clerk)."""
    return initiative_receive(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, received_on=TODAY)


@pytest.fixture
def under_verification(received, clerk_of_gliwice):
    initiative = initiative_start_verification(initiative_id=received.pk, clerk=clerk_of_gliwice)
    originals(initiative, clerk_of_gliwice)  # delivered with the filing
    return initiative


@pytest.fixture
def verified(under_verification, clerk_of_gliwice):
    """Under verification, with the threshold met: 5 valid signatures, 1 invalid."""
    mark(under_verification, clerk_of_gliwice, valid=FILED_THRESHOLD, invalid=1)
    return under_verification


def allow_supplement(initiative, days: int = 7) -> None:
    """The council's rules as frozen at opening, with one supplement period (like Wrocław's 7 days)."""
    rules = {**Initiative.objects.get(pk=initiative.pk).rules, "supplement_days": days}
    Initiative.objects.filter(pk=initiative.pk).update(rules=rules)


# Start verification ------------------------------------------------------------------------------------


def test_start_verification_moves_on_records_the_clerk_and_tells_the_committee(
    received, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    filed_initiative = received
    mail.outbox.clear()  # the notice of receipt
    with django_capture_on_commit_callbacks(execute=True):
        initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)

    filed_initiative.refresh_from_db()
    assert filed_initiative.status == Status.UNDER_VERIFICATION
    change = StatusChange.objects.filter(initiative=filed_initiative).last()
    assert (change.action, change.from_status, change.to_status, change.actor) == (
        "start_verification",
        "submitted",
        "under_verification",
        clerk_of_gliwice,
    )
    assert sorted(message.to[0] for message in mail.outbox) == committee_addresses(filed_initiative)
    assert all(len(message.to) == 1 for message in mail.outbox)  # one message each: no shared address list
    body = mail.outbox[0].body
    assert filed_initiative.title in body and polish_date(filed_initiative.consideration_deadline) in body
    assert f"/initiatives/{filed_initiative.pk}/manage/" in body


def test_the_committee_is_told_only_once_the_decision_commits(
    received, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    filed_initiative = received
    mail.outbox.clear()  # the notice of receipt
    with django_capture_on_commit_callbacks() as callbacks:
        initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
        assert mail.outbox == []
    assert callbacks and mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == len(committee_addresses(filed_initiative))


def test_start_verification_twice_is_refused(under_verification, clerk_of_gliwice):
    with pytest.raises(TransitionRefused, match="under verification"):
        initiative_start_verification(initiative_id=under_verification.pk, clerk=clerk_of_gliwice)
    assert (
        StatusChange.objects.filter(initiative=under_verification, action="start_verification").count() == 1
    )


def test_only_the_councils_clerks_decide(filed_initiative, clerk_of_katowice, author, outsider):
    for person in (clerk_of_katowice, author, outsider):
        with pytest.raises(NotVisible):
            initiative_start_verification(initiative_id=filed_initiative.pk, clerk=person)
        with pytest.raises(NotVisible):
            initiative_reject(initiative_id=filed_initiative.pk, clerk=person, reasons="Nie.")
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.SUBMITTED


def test_a_collecting_initiative_is_not_the_clerks_yet(collecting_initiative, clerk_of_gliwice):
    with pytest.raises(NotVisible):
        initiative_start_verification(initiative_id=collecting_initiative.pk, clerk=clerk_of_gliwice)


# Accept ------------------------------------------------------------------------------------------------


def test_accept_is_refused_while_valid_signatures_are_below_the_threshold(
    under_verification, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    mark(under_verification, clerk_of_gliwice, valid=FILED_THRESHOLD - 1, invalid=2)
    refused = pytest.raises(TransitionRefused, match="found valid: 4 of the 5")
    with django_capture_on_commit_callbacks(execute=True), refused:
        initiative_accept(initiative_id=under_verification.pk, clerk=clerk_of_gliwice, session_date=TODAY)
    under_verification.refresh_from_db()
    assert under_verification.status == Status.UNDER_VERIFICATION and under_verification.session_date is None
    assert mail.outbox == []


def test_accept_before_verification_is_refused_for_the_state(filed_initiative, clerk_of_gliwice):
    with pytest.raises(TransitionRefused, match="filed with the council; it cannot be accepted"):
        initiative_accept(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, session_date=TODAY)


def test_accept_stores_the_session_date_and_tells_the_committee(
    verified, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    session = datetime.date(2026, 12, 20)
    with django_capture_on_commit_callbacks(execute=True):
        _initiative, warnings = initiative_accept(
            initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=session
        )
    assert warnings == []  # three months ahead
    verified.refresh_from_db()
    assert verified.status == Status.ACCEPTED and verified.session_date == session
    assert StatusChange.objects.filter(initiative=verified, action="accept", actor=clerk_of_gliwice).exists()
    assert len(mail.outbox) == len(committee_addresses(verified))
    assert polish_date(session) in mail.outbox[0].body


@pytest.mark.parametrize("days", [0, 1])
def test_the_session_may_fall_on_the_filing_day_or_the_last_day_of_the_term(verified, clerk_of_gliwice, days):
    verified.refresh_from_db()
    assert (timezone.localtime(verified.submitted_at).date(), verified.consideration_deadline) == (
        TODAY,
        DEADLINE,
    )
    session = TODAY if days == 0 else DEADLINE
    initiative, _warnings = initiative_accept(
        initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=session
    )
    assert initiative.session_date == session


def test_a_session_after_the_three_months_is_recorded_with_a_warning(verified, clerk_of_gliwice):
    """The council's duty does not end with its term (art. 41a ust. 3 u.s.g.): the late session is
    recorded, and the clerk and the timeline say it is late."""
    late = DEADLINE + datetime.timedelta(days=1)
    with translation.override("en"):
        initiative, warnings = initiative_accept(
            initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=late
        )
    assert initiative.status == Status.ACCEPTED and initiative.session_date == late
    assert len(warnings) == 1 and "after the council's 3-month term" in warnings[0]
    assert Initiative.objects.get(pk=verified.pk).consideration_deadline == DEADLINE


def test_a_session_before_the_filing_is_refused(verified, clerk_of_gliwice):
    verified.refresh_from_db()
    early = datetime.date(2026, 11, 29)  # the day before the filing
    with pytest.raises(InvalidInput) as refusal:
        initiative_accept(initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=early)
    assert "before the day of filing" in refusal.value.errors["session_date"][0]
    assert Initiative.objects.get(pk=verified.pk).status == Status.UNDER_VERIFICATION


def test_accept_warns_when_the_deadline_is_two_weeks_away_or_less(verified, clerk_of_gliwice):
    Initiative.objects.filter(pk=verified.pk).update(
        consideration_deadline=TODAY + datetime.timedelta(days=10)
    )
    _initiative, warnings = initiative_accept(
        initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=TODAY
    )
    assert len(warnings) == 1 and "10 days left" in warnings[0]


def test_no_warning_at_fifteen_days(verified, clerk_of_gliwice):
    Initiative.objects.filter(pk=verified.pk).update(
        consideration_deadline=TODAY + datetime.timedelta(days=15)
    )
    _initiative, warnings = initiative_accept(
        initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=TODAY
    )
    assert warnings == []


# Supplement --------------------------------------------------------------------------------------------


def test_no_supplement_where_the_rules_give_none(under_verification, clerk_of_gliwice):
    assert under_verification.rules["supplement_days"] is None  # Gliwice's rules
    with pytest.raises(TransitionRefused, match="no supplement period"):
        initiative_request_supplement(initiative_id=under_verification.pk, clerk=clerk_of_gliwice)
    assert Initiative.objects.get(pk=under_verification.pk).status == Status.UNDER_VERIFICATION


def test_supplement_reopens_collection_for_the_rules_days_and_keeps_the_councils_term(
    under_verification, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    allow_supplement(under_verification, days=7)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        initiative_request_supplement(
            initiative_id=under_verification.pk, clerk=clerk_of_gliwice, reason="Za mało ważnych podpisów."
        )
    initiative = Initiative.objects.get(pk=under_verification.pk)
    assert initiative.status == Status.COLLECTING
    assert initiative.supplement_requested_at >= before
    assert initiative.collection_ends_at == window_end(initiative.supplement_requested_at, 7)
    assert initiative.consideration_deadline == DEADLINE  # local rules cannot lengthen the statute's term
    change = StatusChange.objects.filter(initiative=initiative).last()
    assert (change.action, change.reason) == ("request_supplement", "Za mało ważnych podpisów.")
    last_day = datetime.date(2026, 12, 7)  # seven days after 30 November, the day of the request
    assert timezone.localtime(initiative.collection_ends_at).date() == last_day + datetime.timedelta(days=1)
    body = mail.outbox[0].body
    assert polish_date(last_day) in body and "Za mało ważnych podpisów." in body
    assert len(mail.outbox) == len(committee_addresses(initiative))


def test_supplement_ends_in_filing_again_with_packet_version_two_and_only_once(
    under_verification, clerk_of_gliwice, author
):
    allow_supplement(under_verification)
    initiative_request_supplement(initiative_id=under_verification.pk, clerk=clerk_of_gliwice)
    # The period is over: the periodic task files the initiative again by itself.
    now = timezone.now()
    Initiative.objects.filter(pk=under_verification.pk).update(
        opened_at=now - datetime.timedelta(days=60), collection_ends_at=now - datetime.timedelta(minutes=1)
    )
    assert collection_windows_close() == 1

    initiative = Initiative.objects.get(pk=under_verification.pk)
    assert initiative.status == Status.SUBMITTED
    assert (initiative.received_on, initiative.consideration_deadline) == (TODAY, DEADLINE)  # unmoved
    assert list(initiative.packets.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert list(initiative.status_changes.values_list("action", flat=True)) == [
        "create",
        "open",
        "submit",
        "receive",
        "start_verification",
        "request_supplement",
        "submit",
    ]

    initiative_start_verification(initiative_id=initiative.pk, clerk=clerk_of_gliwice)
    with pytest.raises(TransitionRefused, match="already been used"):
        initiative_request_supplement(initiative_id=initiative.pk, clerk=clerk_of_gliwice)
    assert Initiative.objects.get(pk=initiative.pk).status == Status.UNDER_VERIFICATION


def test_a_supplement_note_past_the_limit_is_refused(under_verification, clerk_of_gliwice):
    allow_supplement(under_verification)
    with pytest.raises(InvalidInput) as refusal:
        initiative_request_supplement(
            initiative_id=under_verification.pk, clerk=clerk_of_gliwice, reason="x" * 5001
        )
    assert list(refusal.value.errors) == ["reason"]
    assert Initiative.objects.get(pk=under_verification.pk).status == Status.UNDER_VERIFICATION


def test_the_committee_may_file_again_during_the_supplement(under_verification, clerk_of_gliwice, author):
    allow_supplement(under_verification)
    initiative_request_supplement(initiative_id=under_verification.pk, clerk=clerk_of_gliwice)
    initiative = initiative_submit(initiative_id=under_verification.pk, actor=author)
    assert initiative.status == Status.SUBMITTED
    assert initiative.consideration_deadline == DEADLINE
    assert initiative.packets.count() == 2


# Reject ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reasons", ["", "   \n "])
def test_reject_needs_reasons(under_verification, clerk_of_gliwice, reasons):
    with pytest.raises(InvalidInput) as refusal:
        initiative_reject(initiative_id=under_verification.pk, clerk=clerk_of_gliwice, reasons=reasons)
    assert list(refusal.value.errors) == ["reasons"]
    assert Initiative.objects.get(pk=under_verification.pk).status == Status.UNDER_VERIFICATION


def test_reject_records_the_reasons_on_the_timeline_and_in_the_notice(
    under_verification, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    reasons = "Projekt dotyczy budżetu gminy (art. 233 u.f.p.) — poza inicjatywą mieszkańców."
    with django_capture_on_commit_callbacks(execute=True):
        initiative_reject(
            initiative_id=under_verification.pk, clerk=clerk_of_gliwice, reasons=f"  {reasons}\n"
        )
    initiative = Initiative.objects.get(pk=under_verification.pk)
    assert initiative.status == Status.REJECTED and initiative.finished_at is not None
    assert StatusChange.objects.filter(initiative=initiative).last().reason == reasons
    assert reasons in mail.outbox[0].body  # not HTML-escaped: a plain-text e-mail
    assert initiative.title in mail.outbox[0].subject


def test_reject_after_acceptance_is_refused(verified, clerk_of_gliwice):
    initiative_accept(initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=TODAY)
    with pytest.raises(TransitionRefused):
        initiative_reject(initiative_id=verified.pk, clerk=clerk_of_gliwice, reasons="Za późno.")


# Outcome -----------------------------------------------------------------------------------------------


@pytest.fixture
def accepted(verified, clerk_of_gliwice):
    initiative, _warnings = initiative_accept(
        initiative_id=verified.pk, clerk=clerk_of_gliwice, session_date=TODAY
    )
    return initiative


def test_outcome_before_acceptance_is_refused(under_verification, clerk_of_gliwice):
    with pytest.raises(TransitionRefused):
        initiative_record_outcome(
            initiative_id=under_verification.pk, clerk=clerk_of_gliwice, outcome="adopted"
        )


@pytest.mark.parametrize(
    ("outcome", "number", "field"),
    [
        ("maybe", "", "outcome"),
        ("accepted", "", "outcome"),
        ("not_adopted", "XII/1/2026", "resolution_number"),
    ],
)
def test_outcome_input_is_checked(accepted, clerk_of_gliwice, outcome, number, field):
    with pytest.raises(InvalidInput) as refusal:
        initiative_record_outcome(
            initiative_id=accepted.pk, clerk=clerk_of_gliwice, outcome=outcome, resolution_number=number
        )
    assert list(refusal.value.errors) == [field]
    assert Initiative.objects.get(pk=accepted.pk).status == Status.ACCEPTED


def test_adopted_with_its_resolution_number(accepted, clerk_of_gliwice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        initiative_record_outcome(
            initiative_id=accepted.pk,
            clerk=clerk_of_gliwice,
            outcome="adopted",
            resolution_number=" XII/150/2026 ",
        )
    initiative = Initiative.objects.get(pk=accepted.pk)
    assert initiative.status == Status.ADOPTED and initiative.outcome_resolution_number == "XII/150/2026"
    assert initiative.finished_at is not None
    change = StatusChange.objects.filter(initiative=initiative).last()
    assert (change.action, change.to_status) == ("record_outcome", "adopted")
    assert "XII/150/2026" in mail.outbox[0].body
    assert len(mail.outbox) == len(committee_addresses(initiative))


def test_not_adopted(accepted, clerk_of_gliwice):
    initiative = initiative_record_outcome(
        initiative_id=accepted.pk, clerk=clerk_of_gliwice, outcome="not_adopted"
    )
    assert initiative.status == Status.NOT_ADOPTED and initiative.outcome_resolution_number == ""
    with pytest.raises(TransitionRefused):
        initiative_record_outcome(initiative_id=accepted.pk, clerk=clerk_of_gliwice, outcome="adopted")


def test_a_member_who_left_is_not_told(
    under_verification, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    gone = CommitteeMember.objects.filter(initiative=under_verification).exclude(
        user=under_verification.created_by
    )[0]
    CommitteeMember.objects.filter(pk=gone.pk).update(left_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        initiative_reject(initiative_id=under_verification.pk, clerk=clerk_of_gliwice, reasons="Powody.")
    recipients = [message.to[0] for message in mail.outbox]
    assert gone.user.email not in recipients and len(recipients) == 4
