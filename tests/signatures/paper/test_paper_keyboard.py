"""Typing a returned sheet with the keyboard alone, in a real Chromium: after saving, the cursor is back
in the row's first field and the sheet number stays."""

import datetime
import os
import zoneinfo

import pytest
from django.test import Client

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: F401  (a fixture)


@pytest.fixture
def signed_in_page(transactional_db, live_server, collecting_initiative, author, chromium_path):  # noqa: F811
    """A desktop page with the author's session; the data exist before Playwright's event loop starts."""
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="en-GB", viewport={"width": 1024, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page, f"{live_server.url}/initiatives/{collecting_initiative.pk}/paper/"
        context.close()
        browser.close()


def focused_name(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name")


def test_a_row_is_typed_with_the_keyboard_and_the_focus_returns_to_the_first_field(signed_in_page):
    page, url = signed_in_page
    page.goto(url)
    assert focused_name(page) == "sheet_number"  # nothing typed yet: the sheet number first
    page.keyboard.type("5")
    for value in ("Anna Maria", "Nowak", "ul. Zwycięstwa 1, 44-100 Gliwice", "01021990"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    assert focused_name(page) == "citizenship"
    page.keyboard.press("Tab")
    assert focused_name(page) == "signed_on"  # the date written in the row
    page.keyboard.type(datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Warsaw")).strftime("%d.%m.%Y"))
    page.keyboard.press("Tab")
    assert focused_name(page) == "signed"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url(f"{url}?sheet=5")
    assert "Row saved." in page.inner_text(".messages")
    assert focused_name(page) == "first_names"
    assert page.input_value("#id_sheet_number") == "5"
    assert page.input_value("#id_first_names") == ""
    assert "Anna Maria Nowak" in page.inner_text("#typed-title + p + .table-wrap")

    page.keyboard.type("Jan")  # a row with no signature is refused, and the summary takes the focus
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "handwritten signature" in page.inner_text(".error-summary")

    directory = os.environ.get("PAPER_SHEET_DIR")
    if directory:
        page.screenshot(path=os.path.join(directory, "entry.png"), full_page=True)
