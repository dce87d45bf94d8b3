"""A supporter on a phone signs with the keyboard alone, confirms from the e-mail, and sees the count.

The data are made before Playwright starts (its event loop and Django's sync ORM do not mix), the same way
as tests/browser/test_committee_flow.py does it.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.test_council_pages import (
    assert_every_form_control_is_labelled,
    assert_targets_are_at_least_44px,
    assert_text_contrast_is_at_least_aa,
)

pytestmark = pytest.mark.browser


def seed_collecting(*, email_counts: bool) -> int:
    """The demo initiative collecting in Gliwice; returns its id."""
    from initiative.demo import demo_initiative
    from initiative.lifecycle import Status
    from initiative.models import Initiative
    from legal_templates.services import templates_load
    from municipalities.demo import demo_rules_amended
    from municipalities.local_rules import local_rules_import

    templates_load()
    if email_counts:
        # A newer version of Gliwice's rules that also accepts support by e-mail, so that it counts.
        local_rules_import([demo_rules_amended("2466011", signature_methods=["paper", "email"])])
    demo_initiative(teryt="2466011", slug="nazwa-ulicy", open_it=True)
    return Initiative.objects.get(status=Status.COLLECTING).pk


@pytest.fixture
def email_counts_initiative(demo_site) -> int:
    return seed_collecting(email_counts=True)


@pytest.fixture
def paper_only_initiative(demo_site) -> int:
    return seed_collecting(email_counts=False)


def confirmation_path() -> str:
    for message in reversed(mail.outbox):
        found = re.search(r"https?://[^/\s]+(/signatures/confirm/[^\s]+/)", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no confirmation e-mail was sent")


def focused_name(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.name || e.getAttribute('href') || e.textContent.trim(); }"
    )


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{selector} could not be reached with the Tab key")


def test_supporter_signs_with_the_keyboard_on_a_phone(email_counts_initiative, demo_site, page):
    base, initiative_id = demo_site.url, email_counts_initiative
    page.goto(f"{base}/initiatives/{initiative_id}/")
    expect(page.locator(".threshold__figure")).to_have_text("0 z 300 podpisów")
    tab_to(page, f"a.button-link[href='/initiatives/{initiative_id}/sign/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/initiatives/{initiative_id}/sign/$"))

    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert_every_form_control_is_labelled(page)
    assert_targets_are_at_least_44px(page)
    assert_text_contrast_is_at_least_aa(page)

    # The fields come in reading order, each reached with one press of Tab.
    tab_to(page, "input[name=first_names]")
    page.keyboard.type("Jan Maria")
    for name, typed in [
        ("last_name", "Kowalski"),
        ("address", "ul. Zwycięstwa 10/2, 44-100 Gliwice"),
        ("birth_day", "15"),
        ("birth_month", "3"),
        ("birth_year", "1950"),
    ]:
        page.keyboard.press("Tab")
        assert focused_name(page) == name
        page.keyboard.type(typed)
    page.keyboard.press("Tab")
    assert focused_name(page) == "citizenship"
    page.keyboard.press("Space")
    expect(page.locator("input[name=citizenship][value=PL]")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_name(page) == "email"
    page.keyboard.type("jan.kowalski@example.org")
    page.keyboard.press("Tab")
    assert focused_name(page) == "declaration"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_name(page) == "privacy_notice"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_name(page) == f"/initiatives/{initiative_id}/privacy/"  # the notice, in a new tab
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('form.sign-form button[type=submit]')")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/initiatives/{initiative_id}/sign/done/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(base + confirmation_path())
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("main .threshold__figure")).to_have_text("1 z 300 podpisów")

    page.goto(f"{base}/initiatives/{initiative_id}/")
    expect(page.locator(".threshold__figure")).to_have_text("1 z 300 podpisów")


def test_signing_works_without_javascript(paper_only_initiative, demo_site, browser):
    base, initiative_id = demo_site.url, paper_only_initiative
    context = browser.new_context(
        locale="pl-PL", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{base}/initiatives/{initiative_id}/sign/")
        # An error first: the page comes back with the summary and what was typed.
        page.fill("input[name=first_names]", "Anna")
        page.locator("form.sign-form button[type=submit]").click()
        expect(page.locator(".error-summary a")).not_to_have_count(0)
        expect(page.locator("input[name=first_names]")).to_have_value("Anna")
        page.locator(".error-summary a[href='#id_last_name']").click()
        assert page.url.endswith("#id_last_name")

        page.fill("input[name=last_name]", "Nowak")
        page.fill("input[name=address]", "ul. Zwycięstwa 12, 44-100 Gliwice")
        page.fill("input[name=birth_day]", "1")
        page.fill("input[name=birth_month]", "12")
        page.fill("input[name=birth_year]", "1961")
        page.check("input[name=citizenship][value=EU]")
        page.fill("input[name=email]", "anna.nowak@example.org")
        page.check("input[name=declaration]")
        page.check("input[name=privacy_notice]")
        page.locator("form.sign-form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/initiatives/{initiative_id}/sign/done/$"))

        page.goto(base + confirmation_path())
        page.locator("main form button").click()
        # Gliwice counts paper only: the declaration is shown, not counted.
        expect(page.locator("main .threshold__figure")).to_have_text("0 z 300 podpisów")

        page.goto(f"{base}/initiatives/{initiative_id}/")
        expect(page.locator(".threshold__figure")).to_have_text("0 z 300 podpisów")
        expect(page.locator(".threshold__unofficial")).to_contain_text("1")
    finally:
        context.close()
