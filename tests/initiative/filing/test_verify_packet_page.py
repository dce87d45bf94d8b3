"""Checking a packet on the public page /packets/verify/, also with a keyboard in a browser (the packet:
tests/initiative/filing/sealed_packets.py)."""

import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.pades import seal_pdf
from tests.initiative.filing.sealed_packets import appendix, assemble


def upload(data: bytes, name: str = "packet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# The page ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_has_one_labelled_file_input_and_works_without_javascript(client):
    response = client.get("/packets/verify/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Check a packet" in html
    assert '<label for="id_file">The packet (PDF file)</label>' in html
    assert 'type="file" name="file"' in html and 'id="id_file"' in html
    assert 'method="post"' in html and 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html


@pytest.mark.django_db
def test_the_page_shows_the_report(packet):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/packets/verify/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/packets/verify/",
        {"file": upload(packet), "csrfmiddlewaretoken": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The packet is valid" in html and "Nothing was changed after sealing." in html
    assert "Nothing you uploaded has been kept." in html

    damaged = client.post(
        "/packets/verify/",
        {"file": upload(packet[:1000]), "csrfmiddlewaretoken": token},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert damaged.status_code == 200
    assert "The packet is not valid" in damaged.content.decode()
    assert "The file is not a PDF, or it is damaged or cut short." in damaged.content.decode()


@pytest.mark.django_db
def test_the_page_without_a_file_or_csrf(client):
    response = client.post("/packets/verify/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_file"' in html
    assert "Choose the packet (a PDF file) to check." in html

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/packets/verify/", {"file": upload(b"x")}).status_code == 403


@pytest.mark.django_db
def test_the_page_is_rate_limited(client, settings, seal_settings):
    settings.RATE_LIMITS = True
    statuses = [client.post("/packets/verify/", {"file": upload(b"x")}).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    response = client.post("/packets/verify/", {"file": upload(b"x")}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and "Too many checks from your connection" in response.content.decode()
    assert int(response["Retry-After"]) >= 1


# In a browser ------------------------------------------------------------------------------------------


@pytest.fixture
def sealed_file(part, seal_settings, tmp_path) -> Path:
    """Made before the browser starts: pyHanko runs its own event loop, which cannot nest in Playwright's."""
    path = tmp_path / "pakiet.pdf"
    path.write_bytes(seal_pdf(assemble(part, appendix_bytes=appendix())))
    return path


def test_a_keyboard_user_checks_a_packet_in_a_browser(transactional_db, live_server, sealed_file):
    from tests.browser.conftest import CHROMIUM_ARGS

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("browser tests need Chromium on PATH (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="en-GB", java_script_enabled=False).new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}/packets/verify/", wait_until="domcontentloaded")
            assert page.get_by_label("The packet (PDF file)").count() == 1
            for _ in range(40):  # through the header and the text, as a keyboard user would
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.id") == "id_file":
                    break
            else:
                pytest.fail("the file input cannot be reached with the keyboard")
            page.locator("#id_file").set_input_files(str(sealed_file))
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent.trim()") == "Check the packet"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.locator("#report-title").inner_text() == "The packet is valid"
            assert page.get_by_text("Nothing was changed after sealing.").count() == 1
        finally:
            browser.close()
