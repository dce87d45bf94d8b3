"""Operators read the access log and the deletion log in the admin; nobody can add, change or delete a row.

Personas: an operator signed in with the second factor, the same operator without it, a superuser, and a
clerk (no staff rights) signed in with the second factor.
"""

# ruff: noqa: F811  (the fixtures imported from tests/accounts/conftest.py are named again as test arguments)

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from personal_data.access_log import record_access
from personal_data.models import DeletionLog, PersonalDataAccess
from tests.accounts.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    clerk,
    device_code,
    operator,
    quick_hashes,
)

ACCESS = "/admin/personal_data/personaldataaccess/"
DELETIONS = "/admin/personal_data/deletionlog/"


def signed_in_with_code(user) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    response = browser.post("/accounts/sign-in/code/", {"code": device_code(user)})
    assert response.status_code == 302, response.content[:300]
    return browser


@pytest.fixture
def logs(clerk):
    """Rows as the clerk's pages and the retention run write them: two initiatives, two kinds of view."""
    record_access(
        user=clerk, initiative_id=41, what="signature_list", records=25, detail="page 1; verdict=all"
    )
    record_access(user=clerk, initiative_id=42, what="csv_export", records=6)
    old = PersonalDataAccess.objects.create(
        user=clerk,
        initiative_id=41,
        what="packet",
        records=1,
        at=timezone.now() - datetime.timedelta(days=800),
    )
    DeletionLog.objects.create(
        initiative_id=41, kind="personal_data", signatures=6, committee_members=5, files=1
    )
    DeletionLog.objects.create(initiative_id=42, kind="packet_file", files=1, note="packet versions 1")
    return {"old": old}


def rows_of(response, model) -> set:
    return {row.pk for row in response.context["cl"].result_list if isinstance(row, model)}


def test_an_operator_lists_both_logs(operator, clerk, logs):
    browser = signed_in_with_code(operator)

    index = browser.get("/admin/")
    assert index.status_code == 200
    assert ACCESS in index.content.decode() and DELETIONS in index.content.decode()

    accesses = browser.get(ACCESS)
    assert accesses.status_code == 200
    assert rows_of(accesses, PersonalDataAccess) == set(
        PersonalDataAccess.objects.values_list("pk", flat=True)
    )
    html = accesses.content.decode()
    assert "signature_list" in html and "csv_export" in html and clerk.email in html

    deletions = browser.get(DELETIONS)
    assert deletions.status_code == 200
    assert rows_of(deletions, DeletionLog) == set(DeletionLog.objects.values_list("pk", flat=True))
    assert "packet versions 1" in deletions.content.decode()

    one = PersonalDataAccess.objects.filter(what="csv_export").get()
    detail = browser.get(f"{ACCESS}{one.pk}/change/")
    assert detail.status_code == 200 and "csv_export" in detail.content.decode()


def test_an_operator_filters_by_initiative_kind_and_date_and_searches_by_number(operator, clerk, logs):
    browser = signed_in_with_code(operator)
    of_41 = set(PersonalDataAccess.objects.filter(initiative_id=41).values_list("pk", flat=True))

    assert rows_of(browser.get(ACCESS, {"q": "41"}), PersonalDataAccess) == of_41
    assert rows_of(browser.get(ACCESS, {"q": "#41"}), PersonalDataAccess) == of_41
    assert rows_of(browser.get(ACCESS, {"initiative_id": "41"}), PersonalDataAccess) == of_41
    by_what = browser.get(ACCESS, {"what": "csv_export"})
    assert {row.initiative_id for row in by_what.context["cl"].result_list} == {42}
    by_reader = browser.get(ACCESS, {"q": "gliwice"})  # part of the clerk's address
    assert len(by_reader.context["cl"].result_list) == 3
    nobody = browser.get(ACCESS, {"q": "nobody-like-this"})
    assert nobody.status_code == 200 and list(nobody.context["cl"].result_list) == []
    old_year = logs["old"].at.astimezone(timezone.get_current_timezone()).year
    assert rows_of(browser.get(ACCESS, {"at__year": old_year}), PersonalDataAccess) == {logs["old"].pk}

    kinds = browser.get(DELETIONS, {"kind": "packet_file"})
    assert {row.initiative_id for row in kinds.context["cl"].result_list} == {42}
    assert {row.kind for row in browser.get(DELETIONS, {"q": "41"}).context["cl"].result_list} == {
        "personal_data"
    }
    # Words find nothing in the deletion log: it names no person.
    assert list(browser.get(DELETIONS, {"q": "packet"}).context["cl"].result_list) == []


@pytest.mark.parametrize("superuser", [False, True], ids=["operator", "superuser"])
def test_nobody_adds_changes_or_deletes_a_log_row(operator, logs, superuser):
    if superuser:
        operator.is_superuser = True
        operator.save(update_fields=["is_superuser"])
    browser = signed_in_with_code(operator)
    access = PersonalDataAccess.objects.filter(what="signature_list").get()
    deletion = DeletionLog.objects.get(initiative_id=41)

    for base, row, data in (
        (ACCESS, access, {"what": "nothing", "records": "0", "initiative_id": "1"}),
        (DELETIONS, deletion, {"kind": "packet_file", "signatures": "0", "initiative_id": "1"}),
    ):
        listing = browser.get(base).content.decode()
        assert f"{base}add/" not in listing and "delete_selected" not in listing
        assert browser.get(f"{base}add/").status_code == 403
        assert browser.post(f"{base}add/", data).status_code == 403
        page = browser.get(f"{base}{row.pk}/change/").content.decode()
        assert 'name="_save"' not in page and f"{base}{row.pk}/delete/" not in page
        assert browser.post(f"{base}{row.pk}/change/", data).status_code == 403
        assert browser.get(f"{base}{row.pk}/delete/").status_code == 403
        assert browser.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
        listed = browser.post(
            base, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )
        assert listed.status_code in (200, 302)

    access.refresh_from_db()
    deletion.refresh_from_db()
    assert (access.what, access.records, access.initiative_id) == ("signature_list", 25, 41)
    assert (deletion.kind, deletion.signatures, deletion.initiative_id) == ("personal_data", 6, 41)
    assert PersonalDataAccess.objects.count() == 3 and DeletionLog.objects.count() == 2


def test_a_clerk_without_staff_rights_cannot_see_the_logs(clerk, logs):
    browser = signed_in_with_code(clerk)

    for url in (ACCESS, DELETIONS, f"{ACCESS}{logs['old'].pk}/change/"):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_operator_without_the_second_factor_cannot_see_the_logs(operator, logs):
    browser = Client()
    browser.force_login(operator)  # a password session, no code given

    for url in (ACCESS, DELETIONS):
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in():
    for url in (ACCESS, DELETIONS):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
