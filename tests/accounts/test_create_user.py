"""`create_user`: the contract's JSON, a working TOTP URI for clerks and operators, all or nothing."""

import json
from io import StringIO
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ClerkMembership, User
from tests.accounts.conftest import GLIWICE, KRAKOW, PASSWORD, key_from_uri, totp_code


def create_user(*args: str) -> dict:
    out = StringIO()
    call_command("create_user", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1  # one JSON object, nothing else: scripts parse it
    return json.loads(lines[0])


@pytest.mark.django_db
def test_plain_user_gets_no_uri_and_a_confirmed_address():
    result = create_user("--email", "Ala.Nowak@Example.org", "--password", PASSWORD)

    user = User.objects.get()
    assert result == {"id": user.pk, "email": "ala.nowak@example.org", "otpauth_uri": None}
    assert user.email_confirmed
    assert user.check_password(PASSWORD)
    assert not user.is_operator and not user.is_clerk
    assert not TOTPDevice.objects.exists()


def test_clerk_gets_a_confirmed_device_and_its_uri(demo_units):
    result = create_user("--email", "urzednik@gliwice.eu", "--password", PASSWORD, "--clerk-of", GLIWICE)

    user = User.objects.get(pk=result["id"])
    assert result["email"] == "urzednik@gliwice.eu"
    assert [membership.unit.teryt for membership in user.clerk_memberships.all()] == [GLIWICE]
    assert TOTPDevice.objects.get(user=user).confirmed
    uri = urlparse(result["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Inicjatywa:urzednik@gliwice.eu"
    query = parse_qs(uri.query)
    assert query["issuer"] == ["Inicjatywa"]
    assert query["digits"] == ["6"] and query["period"] == ["30"]


def test_the_uri_secret_makes_codes_the_token_api_accepts(demo_units, api_client):
    result = create_user("--email", "urzednik@gliwice.eu", "--password", PASSWORD, "--clerk-of", GLIWICE)
    code = totp_code(key_from_uri(result["otpauth_uri"]))

    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": "urzednik@gliwice.eu", "password": PASSWORD, "otp": code},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["token"]


def test_clerk_of_several_councils(demo_units):
    result = create_user(
        "--email", "urzednik@example.org", "--password", PASSWORD, "--clerk-of", GLIWICE, "--clerk-of", KRAKOW
    )

    teryts = ClerkMembership.objects.filter(user_id=result["id"]).values_list("unit__teryt", flat=True)
    assert sorted(teryts) == sorted([GLIWICE, KRAKOW])


@pytest.mark.django_db
def test_operator_is_staff_with_a_device():
    result = create_user("--email", "operator@example.org", "--password", PASSWORD, "--operator")

    user = User.objects.get(pk=result["id"])
    assert user.is_operator and user.must_use_two_factors
    assert unquote(result["otpauth_uri"]).startswith("otpauth://totp/Inicjatywa:operator@example.org?")


def test_unknown_teryt_creates_nothing(demo_units):
    with pytest.raises(CommandError, match="9999999"):
        create_user(
            "--email", "x@example.org", "--password", PASSWORD, "--clerk-of", GLIWICE, "--clerk-of", "9999999"
        )

    assert not User.objects.exists()
    assert not ClerkMembership.objects.exists()
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_existing_address_is_refused_whatever_its_case():
    create_user("--email", "ala@example.org", "--password", PASSWORD)

    with pytest.raises(CommandError, match="exists"):
        create_user("--email", "ALA@example.org", "--password", "another password 123", "--operator")

    assert User.objects.count() == 1
    assert not User.objects.get().is_operator


@pytest.mark.django_db
def test_not_an_address_is_refused():
    with pytest.raises(CommandError, match="not an e-mail address"):
        create_user("--email", "ala", "--password", PASSWORD)

    assert not User.objects.exists()
