"""Typing returned paper sheets: one row at a time, the same checks, the same answer for a duplicate.

Pages are asked for in English, so that the assertions hold before and after the Polish catalogue learns
these strings.
"""

import pytest
from django.test import Client
from django.utils import timezone

from initiative.services import initiative_withdraw
from signatures.models import Signature
from signatures.selectors import support_count
from tests.signatures.conftest import ADULT_PESEL
from tests.signatures.paper.test_paper_sheets import pesel_initiative  # noqa: F401  (a fixture)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def row(**changes) -> dict:
    """One row of a Gliwice sheet, as a committee member types it (date of birth as written on paper)."""
    data = {
        "sheet_number": "3",
        "first_names": "Łukasz",
        "last_name": "Żółkiewski",
        "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
        "birth_date": "15.03.1980",
        "citizenship": "PL",
        "signed_on": timezone.localdate().strftime("%d.%m.%Y"),
        "signed": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def other_member(initiative, author):
    return initiative.committee_members.filter(left_at__isnull=True).exclude(user=author).first().user


@pytest.fixture
def entry_url(collecting_initiative) -> str:
    return f"/initiatives/{collecting_initiative.pk}/paper/"


@pytest.mark.django_db
def test_only_the_committee_sees_the_entry_page(client, entry_url, outsider, author):
    assert client.get(entry_url).status_code == 302  # sign in first
    client.force_login(outsider)
    assert client.get(entry_url).status_code == 404
    assert client.post(entry_url, row()).status_code == 404
    assert not Signature.objects.exists()

    client.force_login(author)
    page = client.get(entry_url).content.decode()
    assert 'name="birth_date"' in page and 'name="citizenship"' in page and 'name="pesel"' not in page
    assert 'name="sheet_number"' in page and "autofocus" in page


@pytest.mark.django_db
def test_a_member_saves_a_valid_row_and_it_counts(client, entry_url, author, collecting_initiative):
    client.force_login(author)
    response = client.post(entry_url, row())
    # Post/redirect/get, back to an empty row on the same sheet; nothing of the supporter in the address.
    assert response.status_code == 302 and response["Location"] == f"{entry_url}?sheet=3"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Row saved." in html
    assert 'value="3"' in html  # the sheet number stays for the next row
    assert 'name="first_names"' in html and "autofocus" in html.split('name="first_names"')[1].split(">")[0]
    assert page.context["typed_count"] == 1 and "Łukasz Żółkiewski" in html

    signature = Signature.objects.get()
    assert (signature.method, signature.status, signature.entered_by) == ("paper", "confirmed", author)
    assert signature.birth_date == "1980-03-15" and signature.evidence == {"sheet_number": 3}
    assert support_count(collecting_initiative).counted == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_date": "01.01.2015"}, "birth_date", "aged 18 or more"),
        ({"birth_date": "31.02.1980"}, "birth_date", "as on the sheet: DD.MM.YYYY"),
        ({"birth_date": ""}, "birth_date", "as on the sheet: DD.MM.YYYY"),
        ({"birth_date": "1980-W11-1"}, "birth_date", "as on the sheet: DD.MM.YYYY"),
        ({"first_names": "=HYPERLINK(1)"}, "first_names", "Remove the characters"),
        ({"last_name": ""}, "last_name", "required"),
        ({"citizenship": "US"}, "citizenship", "valid choice"),
        ({"signed": None}, "signed", "handwritten signature"),
        ({"sheet_number": ""}, "sheet_number", "number printed on the sheet"),
        ({"sheet_number": "0"}, "sheet_number", "greater than or equal to 1"),
    ],
)
def test_an_invalid_row_shows_its_errors_and_changes_nothing(
    client, entry_url, author, collecting_initiative, change, field, message
):
    client.force_login(author)
    response = client.post(entry_url, row(**change))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'class="error-summary"' in html
    assert f'id="id_{field}_error"' in html
    assert not Signature.objects.exists()
    assert support_count(collecting_initiative).counted == 0


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["15.03.1980", "15-03-1980", "15/03/1980", "15031980", "1980-03-15"])
def test_a_date_of_birth_is_taken_as_written_on_paper(client, entry_url, author, written):
    client.force_login(author)
    assert client.post(entry_url, row(birth_date=written)).status_code == 302
    assert Signature.objects.get().birth_date == "1980-03-15"


@pytest.mark.django_db
def test_all_problems_of_a_row_show_at_once(client, entry_url, author):
    client.force_login(author)
    html = client.post(entry_url, row(sheet_number="", birth_date="01.01.2015", address="")).content.decode()
    for field in ("sheet_number", "birth_date", "address"):
        assert f'id="id_{field}_error"' in html
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_gets_the_same_answer_and_counts_once(client, entry_url, author, collecting_initiative):
    client.force_login(author)
    first = client.post(entry_url, row())
    assert "Row saved." in client.get(first["Location"]).content.decode()

    # The same person on another sheet, typed by another member: no diacritics, other case, ISO date.
    client.force_login(other_member(collecting_initiative, author))
    second = client.post(
        entry_url,
        row(sheet_number="8", first_names="LUKASZ", last_name="zolkiewski", birth_date="1980-03-15"),
    )
    assert second.status_code == 302 and second["Location"] == f"{entry_url}?sheet=8"
    assert "Row saved." in client.get(second["Location"]).content.decode()

    assert Signature.objects.count() == 1
    assert support_count(collecting_initiative).counted == 1


@pytest.mark.django_db
def test_only_the_typist_sees_the_names_they_typed(client, entry_url, author, collecting_initiative):
    client.force_login(author)
    client.post(entry_url, row())
    client.post(entry_url, row(first_names="Anna", last_name="Nowak", birth_date="01.02.1990"))
    page = client.get(entry_url)
    assert page.context["typed_count"] == 2
    html = page.content.decode()
    assert "Łukasz Żółkiewski" in html and "Anna Nowak" in html
    assert (
        "ul. Zwycięstwa" not in html and "1980-03-15" not in html and "15.03.1980" not in html
    )  # names only

    client.force_login(other_member(collecting_initiative, author))
    page = client.get(entry_url)
    assert page.context["typed_count"] == 0
    html = page.content.decode()
    assert "Żółkiewski" not in html and "Nowak" not in html


@pytest.mark.django_db
def test_rows_are_refused_once_collection_has_ended(client, entry_url, author, collecting_initiative):
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    client.force_login(author)
    response = client.post(entry_url, row())
    assert response.status_code == 302
    assert "only while the initiative collects" in client.get(response["Location"]).content.decode()
    assert not Signature.objects.exists()
    assert 'name="first_names"' not in client.get(entry_url).content.decode()


@pytest.mark.django_db
def test_a_council_that_asks_for_pesel_gets_a_pesel_field_and_no_citizenship(
    client,
    author,
    pesel_initiative,  # noqa: F811  (the fixture imported above)
):
    url = f"/initiatives/{pesel_initiative.pk}/paper/"
    client.force_login(author)
    html = client.get(url).content.decode()
    assert 'name="pesel"' in html and 'name="birth_date"' not in html and 'name="citizenship"' not in html

    bad = client.post(url, row(birth_date=None, citizenship=None, pesel="44051401459"))
    assert "not a valid PESEL" in bad.content.decode() and not Signature.objects.exists()

    response = client.post(
        url, row(birth_date=None, citizenship=None, pesel=f"{ADULT_PESEL[:6]} {ADULT_PESEL[6:]}")
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.pesel, signature.citizenship, signature.birth_date) == (ADULT_PESEL, "PL", "")
    assert support_count(pesel_initiative).counted == 1
