"""Turning two-step sign-in on (QR code and key, confirmed by a code) and off (a code; never for clerks)."""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.api_tokens import api_token_issue
from accounts.models import ApiToken
from tests.accounts.conftest import PASSWORD, device_code, totp_code

ACCOUNT = "/accounts/"
ENABLE = "/accounts/two-step/enable/"
CONFIRM = "/accounts/two-step/confirm/"
DISABLE = "/accounts/two-step/disable/"


def signed_in(user, code_steps_ahead: int = 0) -> Client:
    browser = Client()
    response = browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    if response["Location"] == "/accounts/sign-in/code/":
        browser.post("/accounts/sign-in/code/", {"code": device_code(user, steps_ahead=code_steps_ahead)})
    return browser


def asks_for_a_code(user) -> bool:
    response = Client().post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    return response["Location"] == "/accounts/sign-in/code/"


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 1_000_000:06d}"


def test_turning_on(resident, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    browser = signed_in(resident)
    api_token_issue(user=resident)
    account = browser.get(ACCOUNT).content.decode()
    assert f'action="{ENABLE}" method="post"' in account

    started = browser.post(ENABLE)

    assert started["Location"] == CONFIRM
    device = TOTPDevice.objects.get(user=resident)
    assert not device.confirmed
    assert not asks_for_a_code(resident)  # nothing changes until a code proves the app works

    page = browser.get(CONFIRM)
    html = page.content.decode()
    assert "<svg" in html and "<title>Kod QR dla aplikacji uwierzytelniającej</title>" in html
    secret = page.context["secret"]
    assert b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8)) == device.bin_key
    assert secret in html
    assert 'autocomplete="one-time-code"' in html

    refused = browser.post(CONFIRM, {"code": wrong_code(totp_code(device.bin_key))})
    assert refused.status_code == 200
    assert "Kod jest błędny" in refused.content.decode()
    assert not TOTPDevice.objects.get(user=resident).confirmed

    confirmed = browser.post(CONFIRM, {"code": totp_code(device.bin_key)})

    assert confirmed["Location"] == ACCOUNT
    assert TOTPDevice.objects.get(user=resident).confirmed
    assert asks_for_a_code(resident)
    assert not ApiToken.objects.filter(user=resident).exists()  # a token got with the password alone is gone
    after = browser.get(ACCOUNT)
    assert after.wsgi_request.user.is_verified()  # this session gave a code
    assert "Logowanie dwuetapowe jest włączone" in after.content.decode()


def test_starting_again_replaces_the_unconfirmed_key(resident):
    browser = signed_in(resident)
    browser.post(ENABLE)
    first = TOTPDevice.objects.get(user=resident).key

    browser.post(ENABLE)

    assert TOTPDevice.objects.get(user=resident).key != first


def test_turning_on_needs_a_post(resident):
    browser = signed_in(resident)

    assert browser.get(ENABLE).status_code == 405
    assert not TOTPDevice.objects.exists()


def test_the_confirm_page_without_a_started_set_up_goes_back(resident):
    assert signed_in(resident).get(CONFIRM)["Location"] == ACCOUNT


def test_turning_off(resident_with_two_steps, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then at once the right one
    user = resident_with_two_steps
    browser = signed_in(user)
    assert DISABLE in browser.get(ACCOUNT).content.decode()

    refused = browser.post(DISABLE, {"code": wrong_code(device_code(user, steps_ahead=1))})
    assert "Kod jest błędny" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()

    done = browser.post(DISABLE, {"code": device_code(user, steps_ahead=1)})  # the sign-in used this step's

    assert done["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not asks_for_a_code(user)


@pytest.mark.parametrize("persona", ["clerk", "operator"])
def test_clerks_and_operators_cannot_turn_it_off(persona, request):
    user = request.getfixturevalue(persona)
    browser = signed_in(user)

    page = browser.get(DISABLE).content.decode()
    browser.post(DISABLE, {"code": device_code(user, steps_ahead=1)})

    assert "nie można tego wyłączyć" in page
    assert 'name="code"' not in page
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert "nie można tego wyłączyć" in browser.get(ACCOUNT).content.decode()


def test_account_pages_need_signing_in(db):
    for url in (ACCOUNT, CONFIRM, DISABLE):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:sign-in')}?next={url}"


def test_the_qr_code_is_inline_svg_without_scripts(resident):
    browser = signed_in(resident)
    browser.post(ENABLE)

    html = browser.get(CONFIRM).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)

    assert "<script" not in svg
    assert 'class="qr-code__image"' in svg
