"""A field the API does not know is refused by name and nothing is kept (data minimisation, art. 5 ust. 1
lit. c RODO): the signature, the paper row and the statement requests all say which field, with the words
signatures.checks uses.
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import Email
from signatures.models import Signature
from tests.pki import (  # noqa: F401  (fixtures)
    fast_password_hashing,
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    trusted_roots,
)
from tests.signatures.conftest import supporter


@pytest.fixture(autouse=True)
def answers_in_english(api_client):
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def nothing_stored() -> bool:
    return (
        not Signature.objects.exists() and not Email.objects.filter(kind__startswith="signatures/").exists()
    )


@pytest.mark.django_db
def test_an_extra_field_in_a_signature_is_refused_by_name(
    api_client, sign_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client.post(sign_url, {**supporter(), "nickname": "Janek"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"nickname": ["Unknown field."]}
    assert nothing_stored() and callbacks == [] and mail.outbox == []


@pytest.mark.django_db
def test_the_same_signature_without_the_extra_field_is_taken(api_client, sign_url):
    response = api_client.post(sign_url, supporter(), format="json")

    assert response.status_code == 202
    assert Signature.objects.count() == 1


@pytest.mark.django_db
def test_every_unknown_field_is_named_beside_the_other_problems(api_client, sign_url):
    data = {**supporter(first_names=None), "nickname": "Janek", "phone": "600100200"}

    response = api_client.post(sign_url, data, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert errors["nickname"] == ["Unknown field."] and errors["phone"] == ["Unknown field."]
    assert "first_names" in errors  # the shape's own refusal is kept, not hidden by the unknown fields
    assert nothing_stored()


@pytest.mark.django_db
def test_a_field_the_rules_do_not_ask_for_keeps_its_own_reason(api_client, sign_url):
    # Gliwice's rules name the date of birth: a PESEL is a known field, refused by the rules check.
    response = api_client.post(sign_url, supporter(pesel="44051401458"), format="json")

    assert response.status_code == 400
    assert response.json() == {"pesel": ["This council's rules do not ask for this: leave it out."]}
    assert nothing_stored()


@pytest.mark.django_db
def test_an_extra_field_in_a_paper_row_is_refused_by_name(api_client, collecting_initiative, author):
    api_client.force_authenticate(author)
    url = f"/api/v1/initiatives/{collecting_initiative.pk}/paper-signatures/"
    row = {**supporter(email=None), "signed_on": timezone.localdate().isoformat(), "sheet": "4"}

    response = api_client.post(url, row, format="json")

    assert response.status_code == 400
    assert response.json() == {"sheet": ["Unknown field."]}
    assert nothing_stored()
    del row["sheet"]
    assert api_client.post(url, row, format="json").status_code == 201


@pytest.mark.django_db
def test_an_extra_field_in_a_statement_request_is_refused_by_name(api_client, krakow_collecting):
    url = f"/api/v1/initiatives/{krakow_collecting.pk}/statement.pdf"

    response = api_client.post(url, {**krakow_supporter(), "nickname": "Janek"}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"nickname": ["Unknown field."]}
    assert api_client.post(url, krakow_supporter(), format="json").status_code == 200


@pytest.mark.django_db
def test_an_extra_form_field_is_refused_too(api_client, sign_url):
    # Form-encoded bodies go through the same serializer as JSON.
    response = api_client.post(sign_url, {**supporter(), "nickname": "Janek"})

    assert response.status_code == 400
    assert response.json() == {"nickname": ["Unknown field."]}
    assert nothing_stored()
