"""From a collection that reached its threshold to the council's recorded outcome, in a real browser:
the committee files on its page, the clerk signs in with two factors, verifies, accepts and records."""

import datetime
import re
import zoneinfo

import pytest

from initiative.filing.deadlines import CONSIDERATION_MONTHS
from initiative.terms import add_months
from tests.accounts.conftest import totp_code
from tests.browser.conftest import in_thread
from tests.browser.test_council_pages import (
    assert_every_form_control_is_labelled,
    assert_text_contrast_is_at_least_aa,
)
from tests.conftest import PASSWORD
from tests.initiative.conftest import FILED_THRESHOLD

pytestmark = pytest.mark.browser


def assert_accessible(page) -> None:
    """The checks the council pages pass (lang, one h1, labels, unique button names, AA contrast)."""
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").count() == 1
    assert_every_form_control_is_labelled(page)
    assert_text_contrast_is_at_least_aa(page)
    # The clerk's dense table keeps small checkboxes: WCAG 2.1 AA sets no target size; 2.2's 2.5.8 asks
    # for 24 px, which every control meets.
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, input:not([type=hidden]), select, .button-link')]
            .map(e => ({text: (e.textContent || e.id).trim(), rect: e.getBoundingClientRect()}))
            .filter(t => t.rect.height < 24 || t.rect.width < 24)
            .map(t => `${t.text}: ${Math.round(t.rect.width)}x${Math.round(t.rect.height)}`)"""
    )
    assert small == []


def sign_in(page, base: str, email: str, *, totp_key: bytes | None = None) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    if totp_key is not None:
        page.wait_for_url(re.compile(r"/accounts/sign-in/code/"))
        page.fill("input[name=code]", totp_code(totp_key))
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_initiative_goes_from_filing_to_adopted_in_the_browser(threshold_reached, browser, demo_site):
    initiative_id, totp_key = threshold_reached
    base = demo_site.url

    committee = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844}).new_page()
    sign_in(committee, base, "autor@example.org")
    committee.goto(f"{base}/initiatives/{initiative_id}/manage/")
    committee.click(f"form[action='/initiatives/{initiative_id}/submit/'] button")
    committee.wait_for_load_state()
    assert committee.locator(f"a[href*='/api/v1/initiatives/{initiative_id}/packet.pdf']").count() >= 1
    assert_accessible(committee)

    clerk = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(clerk, base, "urzednik@gliwice.example.org", totp_key=totp_key)
    clerk.goto(f"{base}/clerk/")
    assert_accessible(clerk)
    clerk.click(f"a[href='/clerk/initiatives/{initiative_id}/']")
    assert_accessible(clerk)
    # The day the office received the filing comes first: the council's term runs from it.
    clerk.fill(
        "form[action$='/receive/'] input[name=received_on]",
        datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Warsaw")).date().isoformat(),
    )
    clerk.click(f"form[action='/clerk/initiatives/{initiative_id}/receive/'] button")
    clerk.wait_for_load_state()
    assert_accessible(clerk)
    clerk.click(f"form[action='/clerk/initiatives/{initiative_id}/start-verification/'] button")
    clerk.wait_for_load_state()
    # The paper originals reached the office with the filing: verdicts on paper rows may be given.
    clerk.fill(
        "form[action$='/originals/'] input[name=received_on]",
        datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Warsaw")).date().isoformat(),
    )
    clerk.click(f"form[action='/clerk/initiatives/{initiative_id}/originals/'] button")
    clerk.wait_for_load_state()
    assert_accessible(clerk)

    # The verification screen: select every row by keyboard-reachable checkboxes, mark them valid at once.
    clerk.goto(f"{base}/clerk/initiatives/{initiative_id}/signatures/")
    assert_accessible(clerk)
    checkboxes = clerk.locator("input[type=checkbox][name=selected]")
    assert checkboxes.count() == FILED_THRESHOLD + 1
    for index in range(checkboxes.count()):
        checkboxes.nth(index).check()
    clerk.select_option("#bulk-verdict", "valid")
    clerk.click("button[name=bulk]")
    clerk.wait_for_load_state()
    assert f"{FILED_THRESHOLD + 1}" in clerk.inner_text("main")

    clerk.goto(f"{base}/clerk/initiatives/{initiative_id}/")
    # The council meets after its 3-month term: the session is recorded, with a warning to the clerk and on
    # the public timeline (art. 41a ust. 3 u.s.g.: the duty does not end with the term).
    accept = clerk.locator(f"form[action='/clerk/initiatives/{initiative_id}/accept/']")
    today = in_thread(lambda: __import__("django.utils.timezone").utils.timezone.localdate())
    late_session = add_months(today, CONSIDERATION_MONTHS + 1)
    accept.locator("input[name=session_date]").fill(late_session.isoformat())
    accept.locator("button").click()
    clerk.wait_for_load_state()
    assert "Sesja przypada po upływie 3-miesięcznego terminu rady" in clerk.inner_text("main")

    outcome = clerk.locator(f"form[action='/clerk/initiatives/{initiative_id}/outcome/']")
    outcome.locator("input[value=adopted]").check()
    outcome.locator("input[name=resolution_number]").fill("XII/345/2026")
    outcome.locator("button").click()
    clerk.wait_for_load_state()

    public = browser.new_context(locale="pl-PL").new_page()
    public.goto(f"{base}/initiatives/{initiative_id}/")
    assert_accessible(public)
    timeline = public.inner_text("main")
    assert "XII/345/2026" in timeline
    assert "po upływie trzymiesięcznego terminu rady" in timeline
    status = in_thread(
        lambda: __import__("initiative.models").models.Initiative.objects.get(pk=initiative_id).status
    )
    assert status == "adopted"
