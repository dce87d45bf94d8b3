"""The e-mail form of support end to end through the API (docs/contract.md §Signatures)."""

import re

import pytest
from django.core import mail

from initiative.services import initiative_withdraw
from signatures.models import LIVE_STATUSES, Signature
from signatures.selectors import support_count
from tests.signatures.conftest import supporter


def link_token(kind: str) -> str:
    return re.search(rf"/signatures/{kind}/([^/\s]+)/", mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_sign_confirm_by_post_receipt_and_withdraw(
    api_client, sign_url, collecting_initiative, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(sign_url, supporter(), format="json")
    assert response.status_code == 202 and response.json() == {"status": "pending_confirmation"}
    assert f"{settings.SITE_URL}/signatures/confirm/" in mail.outbox[-1].body
    assert support_count(collecting_initiative).counted == 0

    token = link_token("confirm")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/signatures/confirm/", {"token": token}, format="json")
    assert response.status_code == 200 and response.json() == {"status": "confirmed"}
    assert api_client.post("/api/v1/signatures/confirm/", {"token": token}, format="json").status_code == 200
    # Gliwice's rules accept paper only: the confirmed e-mail declaration is shown, not counted.
    count = support_count(collecting_initiative)
    assert (count.counted, count.unofficial) == (0, 1)

    withdraw = link_token("withdraw")
    assert (
        api_client.post("/api/v1/signatures/withdraw/", {"token": withdraw}, format="json").status_code == 200
    )
    assert support_count(collecting_initiative).unofficial == 0
    assert Signature.objects.get().status == "withdrawn"


@pytest.mark.django_db
def test_a_second_signature_gets_the_same_answer_and_the_first_address_a_notice(
    api_client, sign_url, collecting_initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post(sign_url, supporter(), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/signatures/confirm/", {"token": link_token("confirm")}, format="json")
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        # The same person: other case, no diacritics, another e-mail address.
        second = api_client.post(
            sign_url,
            supporter(first_names="JAN", last_name="kowalski", email="inny@example.org"),
            format="json",
        )
    assert (first.status_code, first.json()) == (second.status_code, second.json())
    assert Signature.objects.filter(status__in=LIVE_STATUSES).count() == 1
    # The new address gets a first signer's confirmation (tests/signatures/email/test_repeat_declarations.py);
    # only the address that signed hears that the person had.
    sent = {message.to[0]: message.body for message in mail.outbox[before:]}
    assert set(sent) == {"inny@example.org", "jan.kowalski@example.org"}
    assert "/signatures/confirm/" in sent["inny@example.org"]
    assert "/signatures/" not in sent["jan.kowalski@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_date": "2015-01-01"}, "birth_date"),
        ({"birth_date": "15.03.1980"}, "birth_date"),
        ({"pesel": "44051401458"}, "pesel"),  # Gliwice asks for the date of birth, not PESEL
        ({"citizenship": "US"}, "citizenship"),
        ({"declaration": False}, "declaration"),
        ({"privacy_notice": None}, "privacy_notice"),
        ({"first_names": "=HYPERLINK(1)"}, "first_names"),
        ({"last_name": "<script>"}, "last_name"),
        ({"address": "ul. A\u202e 1"}, "address"),
        ({"email": "not-an-address"}, "email"),
        ({"first_names": "x" * 101}, "first_names"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(api_client, sign_url, change, field):
    response = api_client.post(sign_url, supporter(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_signing_a_draft_or_withdrawn_initiative_is_409(api_client, collecting_initiative, author, sign_url):
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    assert api_client.post(sign_url, supporter(), format="json").status_code == 409


@pytest.mark.django_db
def test_withdrawal_after_collection_is_409(
    api_client, sign_url, collecting_initiative, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(sign_url, supporter(), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/signatures/confirm/", {"token": link_token("confirm")}, format="json")
    token = link_token("withdraw")
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    assert api_client.post("/api/v1/signatures/withdraw/", {"token": token}, format="json").status_code == 409


@pytest.mark.django_db
def test_tokens_are_single_purpose(api_client, sign_url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(sign_url, supporter(), format="json")
    confirm = link_token("confirm")
    assert (
        api_client.post("/api/v1/signatures/withdraw/", {"token": confirm}, format="json").status_code == 400
    )
    assert (
        api_client.post("/api/v1/signatures/confirm/", {"token": confirm[:-2]}, format="json").status_code
        == 400
    )


@pytest.mark.django_db
def test_rate_limit_per_address_answers_429(api_client, sign_url, settings):
    settings.RATE_LIMITS = True
    answers = [
        api_client.post(sign_url, supporter(last_name=f"Nowak{n}"), format="json").status_code
        for n in range(25)
    ]
    assert 429 in answers and answers.index(429) == 20


@pytest.mark.django_db
def test_personal_data_are_encrypted_in_the_database(api_client, sign_url):
    from django.db import connection

    api_client.post(sign_url, supporter(), format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_names, last_name, address, birth_date, email FROM signatures_signature")
        row = cursor.fetchone()
    assert all(value.startswith("v1.") for value in row)
    assert "Kowalski" not in " ".join(row) and "1980" not in " ".join(row)


@pytest.mark.django_db
def test_an_unconfirmed_declaration_is_replaced_by_a_new_one(
    api_client, sign_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(sign_url, supporter(email="literowka@example.org"), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(sign_url, supporter(email="jan.kowalski@example.org"), format="json")
    assert (
        mail.outbox[-1].to == ["jan.kowalski@example.org"] and "/signatures/confirm/" in mail.outbox[-1].body
    )
    assert Signature.objects.get().email == "jan.kowalski@example.org"
