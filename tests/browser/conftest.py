"""A real Chromium (Debian's package, not Playwright's download) driving the live server with demo data."""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        reason = "browser tests need Chromium on PATH (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI a missing browser is a broken build, not a reason to pass
        pytest.skip(reason)
    return path


@pytest.fixture
def demo_site(transactional_db, live_server):
    """The live server with the demo councils committed, so its own thread can read them.

    Seeded before Playwright starts: the sync API runs an event loop in this thread, and Django refuses
    ORM calls while one is running.
    """
    from municipalities.demo import seed_municipalities

    seed_municipalities()
    return live_server


@pytest.fixture
def browser(chromium_path, demo_site):
    # Depends on demo_site so the data is committed before the event loop starts, and the browser is gone
    # before the database is flushed.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(demo_site, browser):
    """A phone-sized page of a Polish-speaking resident who prefers reduced motion."""
    context = browser.new_context(
        locale="pl-PL",
        viewport={"width": 390, "height": 844},
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
