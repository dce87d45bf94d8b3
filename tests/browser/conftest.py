"""A real Chromium (Debian's package, not Playwright's download) driving the live server with demo data."""

import os
import shutil
import threading

import pytest

from tests.initiative.conftest import (  # noqa: F401  (fixtures shared with the initiative tests)
    FILED_THRESHOLD,
    collecting_initiative,
    join_committee,
    ready_initiative,
    sign_on_paper,
    start_initiative,
    templates,
)
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def in_thread(work):
    """Run ORM work outside Playwright's event loop (Django refuses sync ORM calls inside one)."""
    result = {}

    def run():
        from django.db import connection

        try:
            result["value"] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result.get("value")


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


@pytest.fixture
def threshold_reached(
    transactional_db,
    collecting_initiative,  # noqa: F811  (the fixture imported above)
    author,
    clerk_of_gliwice,
    seal_settings,  # noqa: F811
    tmp_path,
):
    """Gliwice's initiative past its threshold on paper, its packets stored under tmp_path, and the clerk with
    an authenticator: (the initiative's id, the authenticator's key). Prepared before the browser starts
    (Playwright's event loop forbids the ORM in this thread)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from initiative.models import Initiative

    seal_settings.STORAGES = {
        **seal_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD + 1)
    device = TOTPDevice.objects.create(user=clerk_of_gliwice, confirmed=True, name="authenticator")
    return collecting_initiative.pk, device.bin_key
