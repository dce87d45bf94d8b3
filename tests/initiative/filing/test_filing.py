"""Filing: the committee's submit, the frozen list and the 3-month clock (art. 41a ust. 3 u.s.g.)."""

import datetime

import pytest
from django.utils import translation

from initiative.errors import NotVisible, TransitionRefused
from initiative.filing.deadlines import consideration_deadline
from initiative.filing.submit import initiative_submit
from initiative.lifecycle import Status
from initiative.models import Initiative, Packet
from initiative.terms import add_months
from signatures.models import Signature
from signatures.paper.services import paper_row_enter
from tests.clock import frozen_at
from tests.initiative.conftest import FILED_THRESHOLD, paper_supporter, sign_on_paper


@pytest.fixture
def on_the_last_of_november():
    """Filed on 30 November: three months on there is no 30 February."""
    with frozen_at(2026, 11, 30, 12):
        yield


@pytest.mark.parametrize(
    ("filed", "deadline"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 4, 15)),
        (datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),  # no 30 February: the month's last day
        (datetime.date(2027, 11, 30), datetime.date(2028, 2, 29)),  # leap year
        (datetime.date(2026, 10, 31), datetime.date(2027, 1, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 3, 31)),
    ],
)
def test_three_months_follow_the_civil_code(filed, deadline):
    assert add_months(filed, 3) == deadline


def test_the_councils_term_counts_from_the_day_of_receipt():
    assert consideration_deadline(datetime.date(2026, 12, 31)) == datetime.date(2027, 3, 31)
    assert consideration_deadline(datetime.date(2026, 11, 30)) == datetime.date(2027, 2, 28)


def test_submit_below_the_threshold_is_refused_and_changes_nothing(collecting_initiative, author):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD - 1)
    with translation.override("en"), pytest.raises(TransitionRefused, match="4 of the 5"):
        initiative_submit(initiative_id=collecting_initiative.pk, actor=author)
    collecting_initiative.refresh_from_db()
    assert collecting_initiative.status == Status.COLLECTING
    assert not Packet.objects.filter(initiative=collecting_initiative).exists()


def test_submit_files_freezes_and_orders_one_packet(
    on_the_last_of_november, filed_initiative, author, django_capture_on_commit_callbacks
):
    filed_initiative.refresh_from_db()
    assert filed_initiative.status == Status.SUBMITTED
    # The council's term waits for the office's receipt (art. 41a ust. 3 u.s.g.), not the click.
    assert filed_initiative.received_on is None and filed_initiative.consideration_deadline is None
    assert list(Packet.objects.filter(initiative=filed_initiative).values_list("version", "status")) == [
        (1, "building")
    ]
    # The list is frozen: no row can be added once filed.
    with pytest.raises(TransitionRefused):
        paper_row_enter(
            initiative_id=filed_initiative.pk, actor=author, data=paper_supporter(99), sheet_number=9
        )
    assert Signature.objects.filter(initiative=filed_initiative).count() == FILED_THRESHOLD + 1


def test_submit_twice_is_refused(filed_initiative, author):
    with pytest.raises(TransitionRefused):
        initiative_submit(initiative_id=filed_initiative.pk, actor=author)
    assert Packet.objects.filter(initiative=filed_initiative).count() == 1


def test_only_the_committee_files(collecting_initiative, outsider, clerk_of_gliwice):
    for person in (outsider, clerk_of_gliwice):
        with pytest.raises(NotVisible):
            initiative_submit(initiative_id=collecting_initiative.pk, actor=person)
