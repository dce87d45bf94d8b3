"""Signing in on the site: password, then a code for clerks, operators and anyone with two-step sign-in on."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import PASSWORD, device_code

SIGN_IN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
ACCOUNT = "/accounts/"


def sign_in(browser, user_or_email, password=PASSWORD, **extra):
    email = getattr(user_or_email, "email", user_or_email)
    return browser.post(SIGN_IN, {"email": email, "password": password, **extra})


def signed_in_user(browser):
    """Who the site thinks is signed in (and whether with a code), as seen by the next request."""
    request = browser.get(reverse("home")).wsgi_request
    return request.user if request.user.is_authenticated else None


@pytest.mark.django_db
def test_sign_in_page_is_accessible(browser):
    html = browser.get(SIGN_IN).content.decode()

    assert '<label for="id_email">Adres e-mail</label>' in html
    assert '<label for="id_password">Hasło</label>' in html
    assert 'autocomplete="email"' in html and 'autocomplete="current-password"' in html
    assert reverse("accounts:password-reset") in html
    assert reverse("accounts:sign-up") in html


def test_resident_signs_in_with_the_password_alone(browser, resident):
    response = sign_in(browser, resident)

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert signed_in_user(browser) == resident


def test_wrong_password_and_unknown_address_look_the_same(browser, resident):
    wrong = sign_in(browser, resident, password="not the password 1")
    unknown = sign_in(browser, "nikt@example.org", password="not the password 1")

    assert wrong.status_code == unknown.status_code == 200
    assert "Adres e-mail lub hasło są nieprawidłowe." in wrong.content.decode()
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert signed_in_user(browser) is None


def test_inactive_account_cannot_sign_in(browser, resident):
    resident.is_active = False
    resident.save()

    assert sign_in(browser, resident).status_code == 200
    assert signed_in_user(browser) is None


def test_unconfirmed_address_is_refused_with_a_resend_button(browser, unconfirmed):
    response = sign_in(browser, unconfirmed)

    html = response.content.decode()
    assert "potwierdź adres e-mail" in html
    assert f'action="{reverse("accounts:confirm-email-resend")}" method="post"' in html
    assert f'value="{unconfirmed.email}"' in html
    assert signed_in_user(browser) is None


def test_clerk_signs_in_in_two_steps(browser, clerk):
    response = sign_in(browser, clerk)

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert signed_in_user(browser) is None  # the password alone is not enough
    page = browser.get(CODE).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    signed_in = browser.post(CODE, {"code": device_code(clerk)})

    assert signed_in.status_code == 302
    assert signed_in["Location"] == ACCOUNT
    user = signed_in_user(browser)
    assert user == clerk
    assert user.is_verified()


def test_a_wrong_code_is_explained_and_signs_nobody_in(browser, clerk):
    sign_in(browser, clerk)
    wrong = f"{(int(device_code(clerk)) + 1) % 1_000_000:06d}"

    response = browser.post(CODE, {"code": wrong})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Kod jest błędny albo już wygasł" in html
    assert 'href="#id_code"' in html
    assert signed_in_user(browser) is None


def test_a_code_with_spaces_as_apps_show_it_is_accepted(browser, operator):
    sign_in(browser, operator)
    code = device_code(operator)

    browser.post(CODE, {"code": f"{code[:3]} {code[3:]}"})

    assert signed_in_user(browser) == operator


def test_not_six_digits_is_a_form_error(browser, operator):
    sign_in(browser, operator)

    response = browser.post(CODE, {"code": "12ab"})

    assert "Wpisz 6 cyfr" in response.content.decode()


def test_clerk_without_a_device_cannot_finish(browser, clerk):
    TOTPDevice.objects.filter(user=clerk).delete()

    response = sign_in(browser, clerk)

    assert response.status_code == 200
    assert "Poproś operatora" in response.content.decode()
    assert browser.get(CODE)["Location"] == SIGN_IN
    assert signed_in_user(browser) is None


def test_resident_with_two_step_sign_in_is_asked_for_a_code(browser, resident_with_two_steps):
    assert sign_in(browser, resident_with_two_steps)["Location"] == CODE

    browser.post(CODE, {"code": device_code(resident_with_two_steps)})

    assert signed_in_user(browser).is_verified()


def test_the_code_step_needs_a_password_first(browser, db):
    response = browser.get(CODE)

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_the_code_step_expires(browser, clerk, settings):
    sign_in(browser, clerk)
    settings.SIGN_IN_CODE_MAX_AGE = -1

    response = browser.post(CODE, {"code": device_code(clerk)})

    assert response["Location"] == SIGN_IN
    assert signed_in_user(browser) is None


def test_next_is_followed_on_this_site_only(browser, resident, clerk):
    assert sign_in(browser, resident, next="/councils/")["Location"] == "/councils/"
    browser.post(reverse("accounts:sign-out"))

    assert sign_in(browser, resident, next="https://evil.example/")["Location"] == ACCOUNT
    browser.post(reverse("accounts:sign-out"))

    sign_in(browser, clerk, next="/councils/")
    assert browser.post(CODE, {"code": device_code(clerk)})["Location"] == "/councils/"


def test_sign_in_form_keeps_next_from_the_address_bar(browser, db):
    html = browser.get(SIGN_IN + "?next=/councils/").content.decode()

    assert '<input type="hidden" name="next" value="/councils/">' in html


def test_the_header_shows_account_links_when_signed_in(browser, resident):
    anonymous = browser.get(reverse("home")).content.decode()
    assert reverse("accounts:sign-in") in anonymous and reverse("accounts:sign-up") in anonymous

    sign_in(browser, resident)
    signed_in = browser.get(reverse("home")).content.decode()

    assert 'href="/accounts/">Twoje konto</a>' in signed_in
    assert 'href="/accounts/sign-out/">Wyloguj się</a>' in signed_in
    assert reverse("accounts:sign-up") not in signed_in
    assert 'name="language"' in signed_in  # the language switch stays
