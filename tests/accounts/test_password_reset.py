"""Password reset with Django's views: a SITE_URL link by e-mail, a new password, then signing in with it."""

import pytest
from django.core import mail

from accounts.api_tokens import api_token_issue
from accounts.models import ApiToken, User
from tests.accounts.conftest import PASSWORD, path_in

RESET = "/accounts/password-reset/"
NEW_PASSWORD = "Nowe hasło na wiosnę 2025"


def test_reset_round_trip(browser, resident, settings):
    settings.SITE_URL = "https://inicjatywa.example.org"
    api_token_issue(user=resident)

    response = browser.post(RESET, {"email": resident.email.upper()})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert mail.outbox[0].subject == "Ustaw nowe hasło"
    assert "https://inicjatywa.example.org/accounts/password-reset/" in mail.outbox[0].body
    assert "Link działa przez 24 godziny i tylko raz." in mail.outbox[0].body

    link = path_in(mail.outbox[0].body, "/accounts/password-reset/")
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    form_url = form_page.redirect_chain[-1][0]
    html = form_page.content.decode()
    assert html.count('autocomplete="new-password"') == 2

    done = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == "/accounts/password-reset/done/"
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(
        user=resident
    ).exists()  # the API's old token goes with the old password
    signed_in = browser.post("/accounts/sign-in/", {"email": resident.email, "password": NEW_PASSWORD})
    assert signed_in["Location"] == "/accounts/"
    # The link works once.
    assert browser.get(link, follow=True).context["validlink"] is False


def test_unknown_address_gets_the_same_answer_and_no_mail(browser, db):
    response = browser.post(RESET, {"email": "nikt@example.org"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert not mail.outbox


def test_a_reset_confirms_an_unconfirmed_address(browser, unconfirmed):
    browser.post(RESET, {"email": unconfirmed.email})
    form_url = browser.get(
        path_in(mail.outbox[0].body, "/accounts/password-reset/"), follow=True
    ).redirect_chain[-1][0]

    browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert User.objects.get(pk=unconfirmed.pk).email_confirmed


def test_reset_mails_are_limited_to_one_a_minute(browser, resident):
    for _ in range(3):
        browser.post(RESET, {"email": resident.email})

    assert len(mail.outbox) == 1


def test_a_weak_new_password_is_refused(browser, resident):
    browser.post(RESET, {"email": resident.email})
    form_url = browser.get(
        path_in(mail.outbox[0].body, "/accounts/password-reset/"), follow=True
    ).redirect_chain[-1][0]

    response = browser.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert 'href="#id_new_password1"' in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_broken_link_says_so(browser):
    response = browser.get("/accounts/password-reset/MQ/abc-def/")

    assert response.status_code == 200
    assert "Ten link nie działa" in response.content.decode()
