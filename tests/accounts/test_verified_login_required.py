"""verified_login_required and IsVerifiedWhenRequired: a clerk's session without a code is not enough."""

import pytest
from django.test import Client

from accounts.api_tokens import api_token_issue
from tests.accounts.conftest import PASSWORD, device_code

pytestmark = pytest.mark.urls("tests.accounts.urls_with_clerk_pages")

PAGE = "/clerk/page/"
API = "/api/v1/clerk/thing/"


def signed_in_with_code(user) -> Client:
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    browser.post("/accounts/sign-in/code/", {"code": device_code(user)})
    return browser


def signed_in_without_code(user) -> Client:
    """As Django's admin sign-in would leave it: a session, but no code given."""
    browser = Client()
    browser.force_login(user)
    return browser


def test_clerk_without_a_code_goes_to_the_sign_in(clerk):
    response = signed_in_without_code(clerk).get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next={PAGE}"


def test_clerk_with_a_code_passes(clerk):
    assert signed_in_with_code(clerk).get(PAGE).status_code == 200


def test_resident_needs_no_code(resident):
    assert signed_in_without_code(resident).get(PAGE).status_code == 200


def test_resident_with_two_step_sign_in_needs_a_code(resident_with_two_steps):
    assert signed_in_without_code(resident_with_two_steps).get(PAGE).status_code == 302
    assert signed_in_with_code(resident_with_two_steps).get(PAGE).status_code == 200


@pytest.mark.django_db
def test_anonymous_goes_to_the_sign_in():
    assert Client().get(PAGE)["Location"] == f"/accounts/sign-in/?next={PAGE}"


def test_api_accepts_a_clerk_token(clerk, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=clerk)[1]}")

    assert api_client.get(API).status_code == 200


def test_api_refuses_a_clerk_session_without_a_code(clerk):
    assert signed_in_without_code(clerk).get(API).status_code == 403


def test_api_accepts_a_clerk_session_with_a_code(clerk):
    assert signed_in_with_code(clerk).get(API).status_code == 200


def test_api_lets_a_resident_in_with_a_session(resident):
    assert signed_in_without_code(resident).get(API).status_code == 200


@pytest.mark.django_db
def test_api_refuses_anonymous(api_client):
    assert api_client.get(API).status_code == 401
