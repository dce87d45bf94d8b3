"""POST /api/v1/auth/token/: a token for the password, and for clerks, operators and anyone with two-step
sign-in on, a current code as well."""

import pytest

from accounts.api_tokens import token_digest
from accounts.models import ApiToken
from tests.accounts.conftest import PASSWORD, device_code

URL = "/api/v1/auth/token/"


def obtain(api_client, **data):
    return api_client.post(URL, data, format="json")


def test_resident_gets_a_token_without_a_code(api_client, resident):
    response = obtain(api_client, email=resident.email, password=PASSWORD)

    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    assert ApiToken.objects.get(user=resident).digest == token_digest(response.json()["token"])


def test_a_new_token_on_every_call_and_both_work(api_client, resident):
    # Only a digest is stored, so the same token cannot be handed out twice: each call issues its own.
    first = obtain(api_client, email=resident.email, password=PASSWORD).json()["token"]
    second = obtain(api_client, email=resident.email.upper(), password=PASSWORD).json()["token"]

    assert first != second
    for token in (first, second):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/v1/initiatives/").status_code == 200


def test_the_token_authenticates_api_calls(api_client, resident):
    token = obtain(api_client, email=resident.email, password=PASSWORD).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # Any protected URL would do; the token endpoint ignores credentials, the schema does not need them.
    assert api_client.get("/api/v1/municipalities/").status_code == 200


def test_clerk_without_a_code_is_refused(api_client, clerk):
    response = obtain(api_client, email=clerk.email, password=PASSWORD)

    assert response.status_code == 400
    assert list(response.json()) == ["otp"]
    assert not ApiToken.objects.exists()


def test_clerk_with_a_wrong_code_is_refused(api_client, clerk):
    right = device_code(clerk)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = obtain(api_client, email=clerk.email, password=PASSWORD, otp=wrong)

    assert response.status_code == 400
    assert list(response.json()) == ["otp"]


def test_clerk_with_the_current_code_gets_a_token(api_client, clerk):
    response = obtain(api_client, email=clerk.email, password=PASSWORD, otp=device_code(clerk))

    assert response.status_code == 200
    assert ApiToken.objects.get(user=clerk).digest == token_digest(response.json()["token"])


def test_a_code_counts_once(api_client, operator):
    code = device_code(operator)
    assert obtain(api_client, email=operator.email, password=PASSWORD, otp=code).status_code == 200

    replayed = obtain(api_client, email=operator.email, password=PASSWORD, otp=code)

    assert replayed.status_code == 400
    assert list(replayed.json()) == ["otp"]


def test_wrong_codes_in_a_row_are_slowed_down(api_client, clerk, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first wrong code, however slow the machine
    obtain(api_client, email=clerk.email, password=PASSWORD, otp="000000")

    response = obtain(api_client, email=clerk.email, password=PASSWORD, otp=device_code(clerk))

    assert response.status_code == 400
    assert "Spróbuj ponownie za" in response.json()["otp"][0]


def test_a_resident_with_two_step_sign_in_needs_a_code(api_client, resident_with_two_steps):
    user = resident_with_two_steps

    assert obtain(api_client, email=user.email, password=PASSWORD).status_code == 400
    assert obtain(api_client, email=user.email, password=PASSWORD, otp=device_code(user)).status_code == 200


def test_wrong_password_and_unknown_address_get_the_same_answer(api_client, resident):
    wrong_password = obtain(api_client, email=resident.email, password="not the password 1")
    unknown = obtain(api_client, email="nikt@example.org", password="not the password 1")

    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.json() == unknown.json()
    assert list(unknown.json()) == ["non_field_errors"]


def test_a_wrong_password_with_a_clerk_address_says_nothing_about_codes(api_client, clerk):
    response = obtain(api_client, email=clerk.email, password="not the password 1", otp="123456")

    assert list(response.json()) == ["non_field_errors"]


def test_unconfirmed_address_is_refused_with_a_clear_message(api_client, unconfirmed):
    response = obtain(api_client, email=unconfirmed.email, password=PASSWORD)

    assert response.status_code == 400
    assert "potwierdź adres e-mail" in response.json()["non_field_errors"][0]


def test_missing_fields_are_named(api_client, db):
    response = obtain(api_client)

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_english_on_request(api_client, resident):
    response = api_client.post(
        URL, {"email": resident.email, "password": "nope nope 12"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json() == {"non_field_errors": ["The e-mail address or the password is wrong."]}


def test_too_many_calls_are_throttled(api_client, resident):
    # Right passwords: the per-address throttle counts every call, wrong passwords lock out sooner
    # (test_lockout.py).
    answers = [obtain(api_client, email=resident.email, password=PASSWORD).status_code for _ in range(11)]

    assert answers[:10] == [200] * 10
    assert answers[10] == 429


def test_rate_limits_off_turns_the_throttle_off(api_client, resident, settings):
    settings.RATE_LIMITS = False

    answers = {
        obtain(api_client, email=resident.email, password="wrong password 1").status_code for _ in range(12)
    }

    assert answers == {400}


@pytest.mark.django_db
def test_get_is_not_allowed(api_client):
    assert api_client.get(URL).status_code == 405
