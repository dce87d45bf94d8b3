"""Pages that make the platform send mail are limited: sign-ups per client address, password-reset links per
client address and per typed e-mail address (the owner is told when the latter runs out). A refused request
gets a clear 429 page and changes nothing."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import PASSWORD

SIGN_UP = "/accounts/sign-up/"
RESET = "/accounts/password-reset/"
RESET_LIMIT_SUBJECT = "Poproszono o wiele linków do zmiany hasła Twojego konta"


def page_without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def sign_up(browser, email: str, **extra):
    data = {"email": email, "full_name": "", "password1": PASSWORD, "password2": PASSWORD}
    return browser.post(SIGN_UP, data, **extra)


@pytest.mark.django_db
def test_sign_ups_are_limited_per_address(browser):
    answers = [sign_up(browser, f"osoba{n}@example.org").status_code for n in range(20)]
    assert answers == [302] * 20

    refused = sign_up(browser, "dwudziesta.pierwsza@example.org")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Z Twojego adresu sieciowego założono w krótkim czasie zbyt wiele kont." in html
    assert "Spróbuj ponownie za" in html
    assert not User.objects.filter(email="dwudziesta.pierwsza@example.org").exists()
    # Another address may still sign up.
    assert sign_up(browser, "ktos.inny@example.org", REMOTE_ADDR="192.0.2.44").status_code == 302


@pytest.mark.django_db
def test_sign_up_forms_with_mistakes_do_not_count(browser):
    for n in range(25):
        browser.post(SIGN_UP, {"email": f"osoba{n}@example.org", "password1": PASSWORD, "password2": "inne"})

    assert sign_up(browser, "poprawna@example.org").status_code == 302


@pytest.mark.django_db
def test_sign_up_limit_off_with_rate_limits_off(browser, settings):
    settings.RATE_LIMITS = False

    assert {sign_up(browser, f"osoba{n}@example.org").status_code for n in range(22)} == {302}


def test_reset_links_for_one_address_are_limited_and_its_owner_told(
    browser, resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            browser.post(RESET, {"email": resident.email}, REMOTE_ADDR=f"198.51.100.{n + 1}").status_code
            for n in range(5)
        ]
        refused = browser.post(RESET, {"email": resident.email.upper()}, REMOTE_ADDR="198.51.100.99")
        browser.post(RESET, {"email": resident.email}, REMOTE_ADDR="198.51.100.98")

    assert answers == [302] * 5
    assert refused.status_code == 429
    assert "poproszono o zbyt wiele linków do ustawienia nowego hasła" in refused.content.decode()
    told = [message for message in mail.outbox if message.subject == RESET_LIMIT_SUBJECT]
    assert len(told) == 1  # once, however many more requests follow
    assert told[0].to == [resident.email]
    assert "Linki już wysłane nadal działają." in told[0].body


def test_reset_links_for_an_unknown_address_get_the_same_answer(browser, resident):
    for _ in range(5):
        browser.post(RESET, {"email": "nikt@example.org"})
        browser.post(RESET, {"email": resident.email}, REMOTE_ADDR="192.0.2.50")

    unknown = browser.post(RESET, {"email": "nikt@example.org"}, REMOTE_ADDR="192.0.2.51")
    known = browser.post(RESET, {"email": resident.email}, REMOTE_ADDR="192.0.2.52")

    assert unknown.status_code == known.status_code == 429
    assert page_without_token(unknown) == page_without_token(known)


@pytest.mark.django_db
def test_reset_links_are_limited_per_address_across_accounts(browser):
    answers = [browser.post(RESET, {"email": f"osoba{n}@example.org"}).status_code for n in range(10)]

    refused = browser.post(RESET, {"email": "kolejna@example.org"})

    assert answers == [302] * 10
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
