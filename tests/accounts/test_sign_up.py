"""Sign-up: a confirmation link by e-mail, confirmed by a POST (a GET changes nothing), then signing in.
An address that already has an account is not revealed: the same page, and a notice to its owner."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import PASSWORD, link_in, path_in

SIGN_UP = "/accounts/sign-up/"


def sign_up(
    browser, email="maria@example.org", password=PASSWORD, password2=None, full_name="Maria Wiśniewska"
):
    return browser.post(
        SIGN_UP,
        {"email": email, "full_name": full_name, "password1": password, "password2": password2 or password},
    )


def page_without(response, email: str) -> str:
    """The page with the typed address and the per-request CSRF value taken out."""
    html = response.content.decode().replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_sign_up_page_has_labelled_fields_with_autocomplete(browser):
    html = browser.get(SIGN_UP).content.decode()

    assert '<label for="id_email">Adres e-mail</label>' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'method="post"' in html


@pytest.mark.django_db
def test_sign_up_confirm_and_sign_in(browser, settings):
    settings.SITE_URL = "https://inicjatywa.example.org"

    response = sign_up(browser)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:check-email")
    user = User.objects.get(email="maria@example.org")
    assert not user.email_confirmed and user.full_name == "Maria Wiśniewska"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.org"]
    assert mail.outbox[0].subject == "Potwierdź adres e-mail"
    link = link_in(mail.outbox[0].body, "https://inicjatywa.example.org/accounts/confirm/")
    path = link.removeprefix("https://inicjatywa.example.org")

    # Signing in before confirming is refused, with a way to get the link again.
    refused = browser.post("/accounts/sign-in/", {"email": "maria@example.org", "password": PASSWORD})
    assert "potwierdź adres e-mail" in refused.content.decode()
    assert reverse("accounts:confirm-email-resend") in refused.content.decode()

    # A mail scanner opening the link confirms nothing.
    page = browser.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed

    confirmed = browser.post(path, {"password": PASSWORD})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("accounts:sign-in")
    user.refresh_from_db()
    assert user.email_confirmed

    signed_in = browser.post("/accounts/sign-in/", {"email": "Maria@Example.org", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("accounts:account")
    assert browser.get(reverse("accounts:account")).context["user"] == user


@pytest.mark.django_db
def test_confirming_twice_keeps_the_first_time(browser):
    sign_up(browser)
    path = path_in(mail.outbox[0].body, "/accounts/confirm/")
    browser.post(path, {"password": PASSWORD})
    first = User.objects.get().email_confirmed_at

    again = browser.post(path, {"password": PASSWORD})

    assert again.status_code == 302
    assert User.objects.get().email_confirmed_at == first


@pytest.mark.django_db
def test_a_forged_link_confirms_nothing(browser):
    sign_up(browser)
    path = path_in(mail.outbox[0].body, "/accounts/confirm/")
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    response = browser.post(forged, {"password": PASSWORD})

    assert response.status_code == 400
    assert "Ten link nie działa" in response.content.decode()
    assert not User.objects.get().email_confirmed


@pytest.mark.django_db
def test_an_expired_link_confirms_nothing(browser, settings):
    sign_up(browser)
    path = path_in(mail.outbox[0].body, "/accounts/confirm/")
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1

    assert browser.post(path, {"password": PASSWORD}).status_code == 400
    assert not User.objects.get().email_confirmed


def test_existing_address_reveals_nothing(browser, resident):
    fresh = sign_up(browser, email="nowa.osoba@example.org")
    fresh_page = browser.get(fresh["Location"])
    mail.outbox.clear()

    existing = sign_up(browser, email=resident.email.upper(), password="Zupełnie inne hasło 77")
    existing_page = browser.get(existing["Location"])

    assert existing.status_code == fresh.status_code == 302
    assert existing["Location"] == fresh["Location"]
    assert page_without(existing_page, resident.email) == page_without(fresh_page, "nowa.osoba@example.org")
    # Nothing changed on the account; its owner is told, and the notice holds no link that signs anyone in.
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)
    assert User.objects.filter(email__iexact=resident.email).count() == 1
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert "Masz już konto" in mail.outbox[0].body
    assert "/accounts/confirm/" not in mail.outbox[0].body
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_signing_up_again_before_confirming_replaces_the_password_and_the_old_link(browser, db):
    sign_up(browser, password="Pierwsze hasło 2024 ok")
    first_link = path_in(mail.outbox[0].body, "/accounts/confirm/")
    cache.clear()  # past the one-mail-a-minute cool-down
    sign_up(browser, password="Drugie hasło 2024 ok")
    second_link = path_in(mail.outbox[1].body, "/accounts/confirm/")

    assert browser.post(first_link, {"password": "Drugie hasło 2024 ok"}).status_code == 400  # outdated link
    assert (
        browser.post(second_link, {"password": "Pierwsze hasło 2024 ok"}).status_code == 400
    )  # not its password
    assert browser.post(second_link, {"password": "Drugie hasło 2024 ok"}).status_code == 302
    user = User.objects.get()
    assert user.email_confirmed and user.check_password("Drugie hasło 2024 ok")


@pytest.mark.django_db
def test_weak_or_different_passwords_are_explained_next_to_the_field(browser):
    weak = sign_up(browser, password="12345678")
    html = weak.content.decode()

    assert weak.status_code == 200
    assert 'class="error-summary"' in html
    assert 'href="#id_password1"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
    assert not User.objects.exists()
    assert not mail.outbox

    different = sign_up(browser, password=PASSWORD, password2=PASSWORD + "x").content.decode()
    assert 'href="#id_password2"' in different
    assert "Hasła się różnią" in different


@pytest.mark.django_db
def test_a_password_like_the_address_is_refused(browser):
    response = sign_up(browser, email="kwiatkowski.stanislaw@example.org", password="kwiatkowski.stanislaw")

    assert "id_password1_error" in response.content.decode()
    assert not User.objects.exists()


def test_resend_sends_a_new_link_only_to_unconfirmed_accounts(browser, unconfirmed, resident):
    for email in (unconfirmed.email, resident.email, "nikt@example.org"):
        response = browser.post(reverse("accounts:confirm-email-resend"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:check-email")

    assert [message.to for message in mail.outbox] == [[unconfirmed.email]]


def test_resend_is_limited_to_one_mail_a_minute(browser, unconfirmed):
    for _ in range(3):
        browser.post(reverse("accounts:confirm-email-resend"), {"email": unconfirmed.email})

    assert len(mail.outbox) == 1


def test_resend_needs_a_post(browser, unconfirmed):
    assert browser.get(reverse("accounts:confirm-email-resend")).status_code == 405


@pytest.mark.django_db
def test_the_owner_of_the_mailbox_cannot_confirm_an_intruders_password(browser):
    """Someone signs up with Maria's address: her click alone must not activate the intruder's account."""
    sign_up(browser, password="Hasło intruza 2024 ok")
    path = path_in(mail.outbox[0].body, "/accounts/confirm/")

    response = browser.post(path, {"password": PASSWORD})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.get().email_confirmed
