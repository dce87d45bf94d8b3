"""Signing out happens only on a POST; the link in the menu leads to a page with the button."""

from django.urls import reverse

from tests.accounts.conftest import PASSWORD

SIGN_OUT = "/accounts/sign-out/"


def test_get_asks_and_changes_nothing(browser, resident):
    browser.post("/accounts/sign-in/", {"email": resident.email, "password": PASSWORD})

    page = browser.get(SIGN_OUT)

    assert page.status_code == 200
    assert f'action="{SIGN_OUT}" method="post"' in page.content.decode()
    assert browser.get(reverse("accounts:account")).status_code == 200  # still signed in


def test_post_signs_out(browser, resident):
    browser.post("/accounts/sign-in/", {"email": resident.email, "password": PASSWORD})

    response = browser.post(SIGN_OUT)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert browser.get(reverse("accounts:account"))["Location"].startswith(reverse("accounts:sign-in"))


def test_post_needs_the_csrf_token(resident):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    assert browser.post(SIGN_OUT).status_code == 403
    assert browser.get(reverse("accounts:account")).status_code == 200
