"""Scans of returned sheets: upload by sheet number, replace while collecting, refuse what is not a scan."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from initiative.services import initiative_withdraw
from signatures.models import PaperSheetScan
from signatures.paper.services import SCAN_MAX_BYTES

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


pytestmark = pytest.mark.usefixtures("media")


def stored_files(media) -> list:
    return sorted(path for path in media.rglob("*") if path.is_file())


@pytest.fixture
def scans_url(collecting_initiative) -> str:
    return f"/initiatives/{collecting_initiative.pk}/paper/scans/"


def upload(client, url, content: bytes, *, sheet="1", name="skan.pdf", content_type="application/pdf"):
    return client.post(
        url, {"sheet_number": sheet, "file": SimpleUploadedFile(name, content, content_type=content_type)}
    )


@pytest.mark.django_db
def test_a_member_uploads_a_scan_stored_encrypted_and_downloads_it(client, scans_url, author, media):
    client.force_login(author)
    response = upload(client, scans_url, PDF, sheet="4", name="Kowalski Jan.pdf")
    assert response.status_code == 302 and response["Location"] == scans_url

    scan = PaperSheetScan.objects.get()
    assert (scan.sheet_number, scan.content_type, scan.uploaded_by) == (4, "application/pdf", author)
    assert scan.sha256 == hashlib.sha256(PDF).hexdigest()
    (stored,) = stored_files(media)
    assert "Kowalski" not in str(stored) and len(stored.name) >= 40  # a random name, not the upload's
    assert PDF not in stored.read_bytes() and b"%PDF" not in stored.read_bytes()  # encrypted at rest

    page = client.get(scans_url).content.decode()
    download_url = f"{scans_url}4/"
    assert download_url in page
    download = client.get(download_url)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"].startswith("attachment;")
        and "Kowalski" not in download["Content-Disposition"]
    )


@pytest.mark.django_db
def test_uploading_a_sheet_again_replaces_its_scan(
    client, scans_url, author, media, django_capture_on_commit_callbacks
):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, scans_url, PDF, sheet="2")
        first_file = PaperSheetScan.objects.get().file.name
        response = upload(client, scans_url, PNG, sheet="2", name="skan.png", content_type="image/png")
    assert response.status_code == 302
    scan = PaperSheetScan.objects.get()
    assert scan.content_type == "image/png" and scan.sha256 == hashlib.sha256(PNG).hexdigest()
    assert scan.file.name != first_file and not default_storage.exists(first_file)
    assert len(stored_files(media)) == 1
    assert client.get(f"{scans_url}2/").content == PNG

    upload(client, scans_url, JPEG, sheet="3", name="skan.jpg", content_type="image/jpeg")
    assert list(PaperSheetScan.objects.values_list("sheet_number", "content_type")) == [
        (2, "image/png"),
        (3, "image/jpeg"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "skan.pdf", "application/pdf", "as a PDF, JPEG or PNG"),
        (b"GIF89a" + bytes(32), "skan.png", "image/png", "as a PDF, JPEG or PNG"),
        (b"MZ\x90\x00" + bytes(32), "skan.jpg", "image/jpeg", "as a PDF, JPEG or PNG"),
        (b"%PDF-" + bytes(SCAN_MAX_BYTES), "duzy.pdf", "application/pdf", "larger than 20 MiB"),
    ],
)
def test_what_is_not_a_scan_is_refused(
    client, scans_url, author, media, content, name, content_type, message
):
    client.force_login(author)
    response = upload(client, scans_url, content, name=name, content_type=content_type)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="id_file_error"' in html
    assert not PaperSheetScan.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_only_the_committee_uploads_and_downloads(client, scans_url, author, outsider, clerk_of_gliwice):
    client.force_login(author)
    upload(client, scans_url, PDF, sheet="1")
    client.logout()
    assert client.get(f"{scans_url}1/").status_code == 302  # sign in first
    for person in (outsider, clerk_of_gliwice):  # clerks get the scans with the packet, not from here
        client.force_login(person)
        assert client.get(scans_url).status_code == 404
        assert client.get(f"{scans_url}1/").status_code == 404
        assert upload(client, scans_url, PNG, sheet="1").status_code == 404
    assert PaperSheetScan.objects.get().content_type == "application/pdf"


@pytest.mark.django_db
def test_scans_are_not_changed_once_collection_has_ended(
    client, scans_url, author, collecting_initiative, media
):
    client.force_login(author)
    upload(client, scans_url, PDF, sheet="1")
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    response = upload(client, scans_url, PNG, sheet="1")
    assert response.status_code == 302
    assert "only while the initiative collects" in client.get(scans_url).content.decode()
    assert PaperSheetScan.objects.get().content_type == "application/pdf"
    assert len(stored_files(media)) == 1
    assert client.get(f"{scans_url}1/").content == PDF  # the committee still reads what it uploaded


# -- storage: binary, and limits per initiative --------------------------------------------------------


def large_png(size: int) -> bytes:
    return PNG + bytes(size - len(PNG))


@pytest.mark.django_db
def test_a_scan_is_stored_in_binary_not_as_base64_text(client, scans_url, author, media):
    """The stored file is the scan plus the AES-GCM header, nonce and tag: 40 bytes, not a third more."""
    client.force_login(author)
    content = large_png(300 * 1024)
    upload(client, scans_url, content, sheet="1", name="skan.png", content_type="image/png")

    (stored,) = stored_files(media)
    assert stored.stat().st_size == len(content) + len("v1.12345678.") + 12 + 16
    assert PaperSheetScan.objects.get().size == len(content)
    assert client.get(f"{scans_url}1/").content == content


@pytest.mark.django_db
def test_the_number_of_scans_per_initiative_is_capped(client, scans_url, author, media, settings):
    settings.PAPER_SCANS_MAX_COUNT = 2
    client.force_login(author)
    assert upload(client, scans_url, PDF, sheet="1").status_code == 302
    assert upload(client, scans_url, PDF, sheet="2").status_code == 302

    response = upload(client, scans_url, PDF, sheet="3")
    assert response.status_code == 400
    assert "already has 2 scans, the most the platform keeps" in response.content.decode()
    assert list(PaperSheetScan.objects.values_list("sheet_number", flat=True)) == [1, 2]
    assert len(stored_files(media)) == 2
    # Replacing a sheet's scan takes no new place.
    assert upload(client, scans_url, PNG, sheet="2", content_type="image/png").status_code == 302
    assert PaperSheetScan.objects.get(sheet_number=2).content_type == "image/png"


@pytest.mark.django_db
def test_the_bytes_of_scans_per_initiative_are_capped_in_polish(scans_url, author, media, settings):
    settings.PAPER_SCANS_MAX_BYTES = 3 * 1024 * 1024
    client = Client()  # Polish, the default language
    client.force_login(author)
    big = large_png(2 * 1024 * 1024)
    assert upload(client, scans_url, big, sheet="1", content_type="image/png").status_code == 302

    response = upload(client, scans_url, big, sheet="2", content_type="image/png")
    assert response.status_code == 400
    assert "Skany tej inicjatywy zajęłyby więcej niż 3 MiB" in response.content.decode()
    assert list(PaperSheetScan.objects.values_list("sheet_number", flat=True)) == [1]
    assert len(stored_files(media)) == 1
    # A smaller scan of the same sheet frees the bytes of the one it replaces.
    small = large_png(512 * 1024)
    assert upload(client, scans_url, small, sheet="1", content_type="image/png").status_code == 302
    assert upload(client, scans_url, big, sheet="2", content_type="image/png").status_code == 302
    assert sorted(PaperSheetScan.objects.values_list("size", flat=True)) == [len(small), len(big)]


@pytest.mark.django_db(transaction=True)
def test_uploads_at_the_same_moment_cannot_pass_the_limits_together(
    collecting_initiative, author, media, settings
):
    """Each upload counts the scans already kept; without turns, all four would see one and be let in."""
    from django.db import connection

    from initiative.errors import InvalidInput
    from signatures.paper.services import paper_scan_upload
    from tests.concurrently import at_once

    settings.PAPER_SCANS_MAX_COUNT = 2
    paper_scan_upload(
        initiative_id=collecting_initiative.pk,
        actor=author,
        sheet_number=1,
        upload=SimpleUploadedFile("a.pdf", PDF),
    )
    connection.close()

    def upload_sheet(number: int):
        return lambda: paper_scan_upload(
            initiative_id=collecting_initiative.pk,
            actor=author,
            sheet_number=number,
            upload=SimpleUploadedFile("a.pdf", PDF),
        )

    outcomes = at_once(*(upload_sheet(number) for number in (2, 3, 4, 5)))

    refused = [outcome for outcome in outcomes if isinstance(outcome, InvalidInput)]
    assert len(refused) == 3, outcomes
    assert PaperSheetScan.objects.filter(initiative=collecting_initiative).count() == 2
    assert len(stored_files(media)) == 2  # the refused uploads' files are gone too
