"""Paper originals (initiative.clerk.originals; docs/law.md §Forms of support): a paper signature is judged
on the handwritten row, so verdicts on paper rows wait until the clerk records the originals, and the rows
of a sheet that did not arrive are invalid. And the date of signing the committee types for each row: the
age is checked on it. Filed on 30 November 2026 at noon in Warsaw (six rows: sheet 1 holds rows 1 to 9).
"""

# ruff: noqa: F811  (the fixtures imported from tests/signatures/conftest.py are named again as test arguments)

import datetime

import pytest
from django.utils import translation

from initiative.clerk.decisions import initiative_start_verification
from initiative.clerk.originals import originals_record
from initiative.clerk.verification import verdicts_set
from initiative.errors import InvalidInput, NotVisible
from initiative.models import Initiative
from signatures.models import Signature
from signatures.paper.services import paper_row_enter
from signatures.selectors import paper_sheets
from tests.clock import WARSAW
from tests.initiative.clerk.test_clerk_api import api_as
from tests.initiative.conftest import paper_supporter, receive, sign_on_paper
from tests.signatures.conftest import browser_for, totp_code_for  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_filing_day")]


FILED = datetime.date(2026, 11, 30)


@pytest.fixture
def verifying(filed_initiative, author, clerk_of_gliwice):
    """The filed initiative (six rows, all on sheet 1), received and under verification."""
    receive(filed_initiative, clerk_of_gliwice, on=FILED)
    return initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)


def ids(initiative) -> list[int]:
    return list(Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True))


def test_the_list_knows_its_sheets(verifying):
    assert [(sheet.number, sheet.rows) for sheet in paper_sheets(verifying)] == [(1, 6)]


def test_verdicts_on_paper_rows_wait_for_the_originals(verifying, clerk_of_gliwice):
    first = ids(verifying)[0]
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        verdicts_set(
            initiative_id=verifying.pk, clerk=clerk_of_gliwice, verdicts=[{"signature": first, "valid": True}]
        )
    assert "record the originals first" in refusal.value.errors["verdicts"][0]
    assert Signature.objects.get(pk=first).verdict == "unchecked"

    originals_record(initiative_id=verifying.pk, clerk=clerk_of_gliwice, received_on=FILED, missing_sheets=[])
    verdicts_set(
        initiative_id=verifying.pk, clerk=clerk_of_gliwice, verdicts=[{"signature": first, "valid": True}]
    )
    assert Signature.objects.get(pk=first).verdict == "valid"


def test_rows_of_a_missing_sheet_are_invalid_until_it_arrives(verifying, clerk_of_gliwice):
    originals_record(
        initiative_id=verifying.pk, clerk=clerk_of_gliwice, received_on=FILED, missing_sheets=[1]
    )
    rows = Signature.objects.filter(initiative=verifying)
    assert set(rows.values_list("verdict", "verdict_reason")) == {("invalid", "no_original")}
    with translation.override("en"), pytest.raises(InvalidInput, match="was not delivered"):
        verdicts_set(
            initiative_id=verifying.pk,
            clerk=clerk_of_gliwice,
            verdicts=[{"signature": ids(verifying)[0], "valid": True}],
        )

    # The sheet turns up: its rows wait for the clerk's verdict again.
    originals_record(initiative_id=verifying.pk, clerk=clerk_of_gliwice, received_on=FILED, missing_sheets=[])
    assert set(rows.values_list("verdict", "verdict_reason")) == {("unchecked", "")}


@pytest.mark.parametrize(
    ("received_on", "missing", "field"),
    [
        (datetime.date(2026, 12, 1), [], "received_on"),  # tomorrow
        (datetime.date(2026, 11, 29), [], "received_on"),  # before the filing
        (FILED, [7], "missing_sheets"),  # no row comes from sheet 7
    ],
)
def test_bad_input_changes_nothing(verifying, clerk_of_gliwice, received_on, missing, field):
    with pytest.raises(InvalidInput) as refusal:
        originals_record(
            initiative_id=verifying.pk,
            clerk=clerk_of_gliwice,
            received_on=received_on,
            missing_sheets=missing,
        )
    assert list(refusal.value.errors) == [field]
    verifying.refresh_from_db()
    assert verifying.originals_received_on is None and verifying.originals_missing == []


def test_only_the_councils_clerks_record_originals(verifying, clerk_of_katowice, author):
    for person in (clerk_of_katowice, author):
        with pytest.raises(NotVisible):
            originals_record(initiative_id=verifying.pk, clerk=person, received_on=FILED, missing_sheets=[])


def test_the_api_records_the_originals(verifying, clerk_of_gliwice, clerk_of_katowice):
    url = f"/api/v1/clerk/initiatives/{verifying.pk}/originals/"
    body = {"received_on": "2026-11-30", "missing_sheets": [1]}
    assert api_as(clerk_of_katowice).post(url, body, format="json").status_code == 404
    clerk = api_as(clerk_of_gliwice)  # one token: a TOTP code is taken once
    assert clerk.post(url, {"received_on": "jutro"}, format="json").status_code == 400
    response = clerk.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["originals_received_on"], response.json()["originals_missing"]) == (
        "2026-11-30",
        [1],
    )


# The date of signing ------------------------------------------------------------------------------------


def born_on(day: datetime.date) -> dict:
    return {**paper_supporter(40), "birth_date": day.isoformat()}


@pytest.fixture
def opened_on_the_first(collecting_initiative):
    """Collecting since 1 November, so that rows may carry November's dates."""
    Initiative.objects.filter(pk=collecting_initiative.pk).update(
        opened_at=datetime.datetime(2026, 11, 1, 10, tzinfo=WARSAW)
    )
    return Initiative.objects.get(pk=collecting_initiative.pk)


def test_the_age_is_checked_on_the_day_written_in_the_row(opened_on_the_first, author):
    collecting_initiative = opened_on_the_first
    """Turned 18 on 29 November: signed on the 28th, the row is refused even when typed later."""
    person = born_on(datetime.date(2008, 11, 29))
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        paper_row_enter(
            initiative_id=collecting_initiative.pk,
            actor=author,
            data=person,
            sheet_number=1,
            signed_on=datetime.date(2026, 11, 28),
        )
    assert "birth_date" in refusal.value.errors
    outcome = paper_row_enter(
        initiative_id=collecting_initiative.pk,
        actor=author,
        data=person,
        sheet_number=1,
        signed_on=datetime.date(2026, 11, 29),
    )
    assert outcome.signature.signed_on == datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("day", "message"),
    [(datetime.date(2026, 12, 1), "cannot be in the future"), (datetime.date(2020, 1, 1), "opened on")],
)
def test_a_date_of_signing_in_the_future_or_before_opening_is_refused(
    opened_on_the_first, author, day, message
):
    collecting_initiative = opened_on_the_first
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        paper_row_enter(
            initiative_id=collecting_initiative.pk,
            actor=author,
            data=paper_supporter(41),
            sheet_number=1,
            signed_on=day,
        )
    assert message in refusal.value.errors["signed_on"][0]
    assert not Signature.objects.filter(initiative=collecting_initiative).exists()


def test_the_api_requires_the_date_of_signing(collecting_initiative, author):
    url = f"/api/v1/initiatives/{collecting_initiative.pk}/paper-signatures/"
    api = api_as(author)
    assert api.post(url, paper_supporter(42), format="json").json() == {
        "signed_on": ["This field is required."]
    }
    response = api.post(
        url, {**paper_supporter(42), "signed_on": "2026-11-30", "sheet_number": 3}, format="json"
    )
    assert response.status_code == 201
    signature = Signature.objects.get(initiative=collecting_initiative)
    assert (signature.signed_on, signature.evidence) == (datetime.date(2026, 11, 30), {"sheet_number": 3})


def test_sign_on_paper_helper_still_types_rows_on_the_day(collecting_initiative, author):
    (signature,) = sign_on_paper(collecting_initiative, author, 1, first=43)
    assert signature.signed_on == FILED


def test_the_screen_sums_up_the_sheets_and_takes_the_originals(verifying, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)
    url = f"/clerk/initiatives/{verifying.pk}/"
    page = browser.get(url).content.decode()
    assert "sheets 1 to 1 (number of sheets: 1)" in page and 'action="' + url + 'originals/"' in page
    assert 'id="id_originals_received_on"' in page and 'id="id_received_on"' not in page  # receipt done
    response = browser.post(
        url + "originals/", {"received_on": "2026-11-30", "missing_sheets": "1"}, follow=True
    )
    assert "The paper originals are recorded" in response.content.decode()
    assert "Sheets not delivered: 1." in " ".join(response.content.decode().split())
    response = browser.post(url + "originals/", {"received_on": "2026-11-30", "missing_sheets": "jeden"})
    assert response.status_code == 400 and "separated by commas" in response.content.decode()
