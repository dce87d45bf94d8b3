"""Checking a packet: initiative.filing.packet.verify.packet_verify, the `verify_packet` command, the
public page /packets/verify/ and POST /api/v1/packets/verify/.

A small packet is made the way the packet builder makes one: a Typst part (untagged PDF/A-3b), the
integrity appendix from initiative.filing.packet.integrity.manifest attached as integrity.json with a scan
beside it, assembled, and sealed with the test seal of tests/pki.py. Then it is damaged in every way we can
think of; each damage must give a clear finding and "not valid", never a traceback.
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.pades import seal_pdf
from documents.pdf_assembly import Attachment, assemble_pdf
from documents.typst_render import render_pdf
from initiative.filing.packet import integrity
from initiative.filing.packet.verify import packet_verify
from tests.conftest import child_database_url
from tests.documents.test_pades import STATEMENT_DATA
from tests.pki import (  # noqa: F401  (fixtures)
    make_pki,
    make_seal_pki,
    pki_server,
    seal_pki,
    seal_settings,
    sign_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
RECORDS = [
    {"n": 1, "first_names": "Zofia", "last_name": "Żółkiewska", "method": "paper", "sheet": 1},
    {"n": 2, "first_names": "Łukasz", "last_name": "Gęślak", "method": "paper", "sheet": 1},
    {"n": 3, "first_names": "Ćwirek", "last_name": "Źdźbło", "method": "qes", "sheet": None},
]
SCAN = bytes(range(256)) * 64  # stands in for a scanned paper sheet


@pytest.fixture(scope="module")
def part() -> bytes:
    return render_pdf("statement.typ", STATEMENT_DATA, tagged=False, standard="a-3b")


def appendix(*, initiative_id: int = 1, version: int = 1, files: dict | None = None, **changes) -> bytes:
    data = integrity.manifest(
        initiative_id=initiative_id,
        version=version,
        record_hashes=[integrity.record_hash(record) for record in RECORDS],
        files={"arkusz-1.png": hashlib.sha256(SCAN).hexdigest()} if files is None else files,
    )
    data.update(changes)
    return json.dumps(data).encode()


def assemble(
    part: bytes, *, appendix_bytes: bytes | None = None, scan: bytes | None = SCAN, extra=()
) -> bytes:
    attachments = []
    if appendix_bytes is not None:
        attachments.append(Attachment(integrity.ATTACHMENT_NAME, appendix_bytes, "application/json"))
    if scan is not None:
        attachments.append(Attachment("arkusz-1.png", scan, "image/png", relationship="Source"))
    return assemble_pdf([part], attachments=[*attachments, *extra])


@pytest.fixture
def packet(part, seal_settings) -> bytes:
    return seal_pdf(assemble(part, appendix_bytes=appendix()))


def codes(report) -> set[str]:
    return {problem.code for problem in report.problems}


def english(report) -> list[str]:
    with translation.override("en"):
        return report.lines()


# The report ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sealed_packet_with_its_appendix_is_valid(packet):
    report = packet_verify(packet)

    assert report.valid, english(report)
    assert report.problems == ()
    assert report.seal.accepted and report.seal.certified
    assert report.integrity.holds and report.integrity.records == 3 and report.integrity.files_checked == 1
    assert report.integrity.merkle_root == integrity.merkle_root(integrity.record_hash(r) for r in RECORDS)
    assert report.sha256 == hashlib.sha256(packet).hexdigest() and report.size == len(packet)
    assert report.packet is None  # no Packet row has this checksum
    lines = english(report)
    assert lines[0] == "[ok] The packet is valid: its seal and its integrity appendix hold."
    assert "[ok] Nothing was changed after sealing." in lines
    assert (
        "[ok] The integrity appendix holds: 3 signature records, Merkle root "
        + report.integrity.merkle_root
        + "."
        in lines
    )
    assert "No packet on the platform's record has this file's checksum." in lines


@pytest.mark.django_db
def test_a_packet_on_record_shows_its_initiative(part, seal_settings, filed_initiative):
    from initiative.models import Packet, PacketStatus

    sealed = seal_pdf(assemble(part, appendix_bytes=appendix(initiative_id=filed_initiative.pk)))
    manifest = json.loads(appendix(initiative_id=filed_initiative.pk))
    Packet.objects.filter(initiative=filed_initiative, version=1).update(
        status=PacketStatus.READY,
        sha256=hashlib.sha256(sealed).hexdigest(),
        merkle_root=manifest["merkle_root"],
        ready_at=timezone.now(),
    )

    report = packet_verify(sealed)
    assert report.valid
    assert (report.packet.initiative_id, report.packet.version, report.packet.exact) == (
        filed_initiative.pk,
        1,
        True,
    )
    assert report.packet.title == filed_initiative.title
    assert any(
        f"initiative {filed_initiative.pk}, “{filed_initiative.title}”" in line for line in english(report)
    )

    # The representative adds a qualified signature: still valid, no longer the very file issued, and its
    # appendix still names the packet on record.
    signed = sign_pdf(sealed, make_pki().person, field_name="PodpisPelnomocnika")
    report = packet_verify(signed)
    assert report.valid, english(report)
    assert len(report.seal.later_signatures) == 1
    assert (report.packet.initiative_id, report.packet.exact) == (filed_initiative.pk, False)
    assert any("A signature was added after the seal" in line for line in english(report))


# Every kind of damage ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", {"empty"}),
        (b"Hello, this is not a PDF at all.", {"not_pdf", "appendix_missing"}),
        (b"%PDF-1.7\n" + b"\x00" * 500, {"not_pdf", "appendix_missing"}),
    ],
)
def test_what_is_not_a_pdf_is_reported(data, expected, seal_settings):
    report = packet_verify(data)
    assert not report.valid and codes(report) == expected
    assert report.seal is None
    assert all(not line.startswith("[ok]") for line in english(report))


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_packet_cut_short_anywhere_is_not_valid(packet, position):
    report = packet_verify(packet[: int(len(packet) * position)])
    assert not report.valid and report.problems


@pytest.mark.django_db
def test_a_packet_missing_only_its_last_bytes_is_not_valid(packet):
    for cut in (1, 6, 10, 40):  # "%%EOF", the start of the cross-reference table, its trailer
        report = packet_verify(packet[:-cut])
        assert not report.valid and report.problems, cut


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), value=st.integers(0, 255))
def test_no_flipped_byte_gets_through_or_crashes(packet, position, value):
    index = int(position * len(packet))
    damaged = packet[:index] + bytes([value]) + packet[index + 1 :]
    report = packet_verify(damaged)
    if damaged == packet:
        assert report.valid
        return
    # Only the seal's own hex string is outside what it signs; the zeros padding it are ignored.
    contents = packet.rfind(b"/Contents <")
    assert not report.valid or contents < index < packet.find(b">", contents), index


@pytest.mark.django_db
def test_a_changed_content_byte_breaks_the_seal(packet):
    damaged = packet.replace(b"Typst", b"Tipst", 1)
    report = packet_verify(damaged)
    assert not report.valid and codes(report) == {"seal_changed"}
    assert not any(line.startswith("[ok] The seal") or "after sealing" in line for line in english(report))
    assert "[!!] The sealed content has been changed since it was sealed." in english(report)


@pytest.mark.django_db
def test_an_unsigned_packet_is_reported_with_its_appendix_holding(part, seal_settings):
    report = packet_verify(assemble(part, appendix_bytes=appendix()))
    assert not report.valid and codes(report) == {"unsigned"}
    assert report.integrity.holds


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "expected"),
    [
        # The Merkle root was altered before sealing.
        (lambda part: assemble(part, appendix_bytes=appendix(merkle_root="0" * 64)), {"appendix_invalid"}),
        # A record's hash was altered (the root then no longer matches).
        (lambda part: assemble(part, appendix_bytes=appendix(records=["f" * 64] * 3)), {"appendix_invalid"}),
        # The scan was swapped before sealing: its hash is not the appendix's.
        (lambda part: assemble(part, appendix_bytes=appendix(), scan=b"another scan"), {"file_changed"}),
        # The scan was left out.
        (lambda part: assemble(part, appendix_bytes=appendix(), scan=None), {"file_missing"}),
        # A file the appendix does not list was slipped in.
        (
            lambda part: assemble(
                part, appendix_bytes=appendix(), extra=[Attachment("extra.txt", b"x", "text/plain")]
            ),
            {"file_unlisted"},
        ),
        # No appendix at all, or one that is not JSON, or JSON of another kind.
        (lambda part: assemble(part), {"appendix_missing"}),
        (lambda part: assemble(part, appendix_bytes=b"\x89PNG not json"), {"appendix_not_json"}),
        (lambda part: assemble(part, appendix_bytes=b"[1, 2, 3]"), {"appendix_not_json"}),
        (lambda part: assemble(part, appendix_bytes=b'{"format": "other"}'), {"appendix_invalid"}),
    ],
    ids=["root", "record", "scan-swapped", "scan-missing", "unlisted", "none", "not-json", "list", "format"],
)
def test_an_appendix_altered_before_sealing_is_reported(part, seal_settings, build, expected):
    report = packet_verify(seal_pdf(build(part)))
    assert report.seal.accepted  # the seal holds: it sealed what it was given
    assert not report.valid and codes(report) == expected
    assert not report.integrity.holds


@pytest.mark.django_db
def test_file_names_in_findings_are_listed_and_counted(part, seal_settings):
    listed = {f"skan-{n}.png": "a" * 64 for n in range(15)}
    report = packet_verify(seal_pdf(assemble(part, appendix_bytes=appendix(files=listed), scan=None)))
    (missing,) = [p for p in report.problems if p.code == "file_missing"]
    assert missing.count == 15 and len(missing.names) == 10
    with translation.override("en"):
        assert missing.message.endswith("skan-4.png and 5 more.")  # sorted by name


@pytest.mark.django_db
def test_a_seal_the_platform_does_not_trust_is_reported(part, settings, seal_settings, tmp_path):
    stranger = make_seal_pki()  # its own root, not in SEAL_TRUST_ROOTS
    p12 = tmp_path / "stranger.p12"
    p12.write_bytes(stranger.p12())
    settings.SEAL_P12_FILE = str(p12)
    sealed = seal_pdf(assemble(part, appendix_bytes=appendix()))
    settings.SEAL_P12_FILE = seal_settings.SEAL_P12_FILE

    report = packet_verify(sealed)
    assert not report.valid and codes(report) == {"seal_untrusted"}


@pytest.mark.django_db
def test_a_change_after_sealing_is_reported(packet):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(packet))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    report = packet_verify(out.getvalue())
    assert not report.valid and codes(report) == {"changed_after_seal"}


# The command ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_exits_0_for_a_valid_packet(packet, tmp_path):
    path = tmp_path / "packet.pdf"
    path.write_bytes(packet)
    out = io.StringIO()
    with translation.override("en"):
        call_command("verify_packet", str(path), stdout=out)
    assert out.getvalue().startswith("[ok] The packet is valid")


@pytest.mark.django_db
def test_the_command_exits_1_for_a_damaged_packet(packet, tmp_path):
    path = tmp_path / "packet.pdf"
    path.write_bytes(packet[: len(packet) // 2])
    out = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        call_command("verify_packet", str(path), stdout=out)
    assert exited.value.code == 1
    assert out.getvalue().startswith("[!!] The packet is NOT valid.")


@pytest.mark.django_db
def test_the_command_refuses_a_missing_file_with_exit_1(tmp_path):
    with pytest.raises(CommandError, match="cannot read") as refused:
        call_command("verify_packet", str(tmp_path / "missing.pdf"))
    assert refused.value.returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["missing", "garbage", "truncated", "valid"])
def test_the_command_run_as_a_program_never_shows_a_traceback(kind, packet, seal_settings, tmp_path):
    path = tmp_path / "packet.pdf"
    if kind == "garbage":
        path.write_bytes(os.urandom(4096))
    elif kind == "truncated":
        path.write_bytes(packet[: len(packet) * 2 // 3])
    elif kind == "valid":
        path.write_bytes(packet)
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": child_database_url(),
        "SEAL_P12_FILE": seal_settings.SEAL_P12_FILE,
        "SEAL_P12_PASSWORD": seal_settings.SEAL_P12_PASSWORD,
        "SEAL_TRUST_ROOTS": seal_settings.SEAL_TRUST_ROOTS,
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_packet", str(path)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == (0 if kind == "valid" else 1), run.stdout + run.stderr
    if kind == "missing":
        assert "cannot read" in run.stderr
    else:
        assert run.stdout.strip()


# The API -------------------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "packet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.mark.django_db
def test_the_api_reports_a_valid_packet(api_client, packet):
    response = api_client.post(
        "/api/v1/packets/verify/", {"file": upload(packet)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["problems"] == [] and body["packet"] is None
    assert body["seal"]["trusted"] and body["seal"]["whole_document"] and body["seal"]["certified"]
    assert body["integrity"]["holds"] and body["integrity"]["records"] == 3
    assert body["sha256"] == hashlib.sha256(packet).hexdigest()
    assert body["report"][0].startswith("[ok] The packet is valid")


@pytest.mark.django_db
def test_the_api_reports_a_damaged_packet_with_codes_and_messages(api_client, packet):
    damaged = packet.replace(b"Typst", b"Tipst", 1)
    response = api_client.post(
        "/api/v1/packets/verify/", {"file": upload(damaged)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert {
        "code": "seal_changed",
        "message": "The sealed content has been changed since it was sealed.",
    } in body["problems"]


@pytest.mark.django_db
def test_the_api_wants_a_file_of_reasonable_size(api_client, monkeypatch, seal_settings):
    response = api_client.post("/api/v1/packets/verify/", {}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"file": ["Choose the packet (a PDF file) to check."]}

    from initiative.filing.packet import api_verify

    monkeypatch.setattr(api_verify, "MAX_PACKET_BYTES", 1000)
    response = api_client.post(
        "/api/v1/packets/verify/",
        {"file": upload(b"%PDF" + b"0" * 2000)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["file"][0]


@pytest.mark.django_db
def test_a_request_announcing_too_much_is_refused_before_reading(api_client, seal_settings):
    response = api_client.post(
        "/api/v1/packets/verify/",
        {"file": upload(b"%PDF-1.7")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 400 and "too large" in response.json()["file"][0]


@pytest.mark.django_db
def test_the_api_is_rate_limited(api_client, settings, seal_settings):
    settings.RATE_LIMITS = True
    statuses = [
        api_client.post("/api/v1/packets/verify/", {"file": upload(b"x")}, format="multipart").status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    settings.RATE_LIMITS = False
    assert (
        api_client.post("/api/v1/packets/verify/", {"file": upload(b"x")}, format="multipart").status_code
        == 200
    )


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
