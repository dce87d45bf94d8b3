"""The e-signature page: fill in, download the statement, sign it (the test CA), upload it, see the result."""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import io

import pytest
from django.test import Client

from signatures.models import Signature
from signatures.selectors import support_count
from tests.pki import (  # noqa: F401  (fixtures)
    ADULT_PESEL,
    fast_password_hashing,
    krakow_collecting,
    open_krakow,
    pki,
    sign_pdf,
    trusted_roots,
)


def page_url(initiative) -> str:
    return f"/initiatives/{initiative.pk}/sign/e-signature/"


def form_data(**changes) -> dict:
    data = {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Floriańska 1/2, 31-019 Kraków",
        "pesel": ADULT_PESEL,
        "citizenship": "PL",
        "declaration": "on",
        "privacy_notice": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def upload(client: Client, initiative, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "oswiadczenie-podpisane.pdf"
    return client.post(f"{page_url(initiative)}upload/", {"file": handle})


@pytest.mark.django_db
def test_a_supporter_downloads_signs_and_uploads(krakow_collecting, pki):
    client = Client()
    page = client.get(page_url(krakow_collecting))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="pesel"' in html and 'name="email"' not in html and 'name="birth_day"' not in html
    assert 'enctype="multipart/form-data"' in html

    statement = client.post(page_url(krakow_collecting), form_data())
    assert statement.status_code == 200
    assert statement["Content-Type"] == "application/pdf"
    assert statement["Content-Disposition"].startswith("attachment;")
    assert statement["Cache-Control"] == "no-store"

    # Before any upload, the result's address says nothing: it leads back to the page.
    assert client.get(f"{page_url(krakow_collecting)}done/").status_code == 302

    answer = upload(client, krakow_collecting, sign_pdf(statement.content, pki.person))
    assert answer.status_code == 302 and answer["Location"].endswith("/sign/e-signature/done/")
    done = client.get(answer["Location"])
    assert done.status_code == 200
    assert support_count(krakow_collecting).counted == 1
    assert Client().get(answer["Location"]).status_code == 302  # another browser learns nothing


@pytest.mark.django_db
def test_mistakes_are_shown_beside_the_fields(krakow_collecting, pki):
    client = Client()
    response = client.post(page_url(krakow_collecting), form_data(pesel="12345678901"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and 'href="#id_pesel"' in html

    statement = client.post(page_url(krakow_collecting), form_data()).content
    response = upload(client, krakow_collecting, sign_pdf(statement, pki.stranger))
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    response = upload(client, krakow_collecting, b"not a pdf")
    assert response.status_code == 400
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_where_the_rules_take_no_e_signature_the_page_says_so(collecting_initiative, trusted_roots):
    response = Client().get(page_url(collecting_initiative))
    assert response.status_code == 409
    assert 'name="pesel"' not in response.content.decode()
