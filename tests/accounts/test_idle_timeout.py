"""Sessions end after a while without requests: 15 minutes for clerks and operators, 2 hours for others."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.accounts.conftest import PASSWORD, device_code

HOME = "/"
ACCOUNT = "/accounts/"


def signed_in_as(browser) -> str | None:
    request = browser.get(HOME).wsgi_request
    return request.user.email if request.user.is_authenticated else None


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def clerk_browser(clerk) -> Client:
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": clerk.email, "password": PASSWORD})
    browser.post("/accounts/sign-in/code/", {"code": device_code(clerk)})
    return browser


def test_a_clerk_is_signed_out_after_fifteen_idle_minutes(clerk, clock):
    browser = clerk_browser(clerk)
    assert signed_in_as(browser) == clerk.email

    clock.shift(timedelta(minutes=15, seconds=1))
    page = browser.get(ACCOUNT, follow=True)

    assert signed_in_as(browser) is None
    assert page.redirect_chain[-1][0].startswith("/accounts/sign-in/")
    assert "Wylogowano Cię po 15 minutach bez aktywności. Zaloguj się ponownie." in page.content.decode()


def test_a_clerk_who_keeps_working_stays_signed_in(clerk, clock):
    browser = clerk_browser(clerk)
    for _ in range(6):  # an hour and a half, a request every 14 minutes
        clock.shift(timedelta(minutes=14))
        assert browser.get(ACCOUNT).status_code == 200

    assert signed_in_as(browser) == clerk.email


def test_an_operator_has_the_short_limit_too(operator, clock):
    browser = clerk_browser(operator)

    clock.shift(timedelta(minutes=16))

    assert signed_in_as(browser) is None


def test_a_resident_keeps_the_session_for_two_idle_hours(resident, clock):
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": resident.email, "password": PASSWORD})

    clock.shift(timedelta(minutes=119))
    assert signed_in_as(browser) == resident.email

    clock.shift(timedelta(minutes=121))
    assert signed_in_as(browser) is None


def test_the_limits_are_settings(resident, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": resident.email, "password": PASSWORD})

    clock.shift(timedelta(minutes=6))

    assert signed_in_as(browser) is None


def test_an_api_session_call_is_refused_after_the_idle_limit(clerk, clock):
    browser = clerk_browser(clerk)
    assert browser.get("/api/v1/clerk/initiatives/").status_code == 200

    clock.shift(timedelta(minutes=16))

    assert browser.get("/api/v1/clerk/initiatives/").status_code in (401, 403)
