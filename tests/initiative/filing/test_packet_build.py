"""Building the packet: real Typst, real pikepdf, the platform's seal with real pyHanko (the test seal of
tests/pki.py, its CRL and timestamp authority served over local HTTP), checked again with poppler's pdfsig
and pdftotext, and with the public verification of initiative.filing.packet.verify.

The filed initiative is Gliwice's (threshold lowered to 5, six paper signatures whose names carry Polish
letters); a scan of sheet 1 is uploaded before filing. The build runs as filing orders it: the on-commit
Celery task (eager without a broker).
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import hashlib
import io
import json
import logging
import re
import shutil
import threading

import pytest
import segno
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from documents.pades import attachment_digests, read_attachment, validate_seal
from initiative.filing.packet.build import STALE_AFTER, PacketAbandoned, packet_build, packets_reorder
from initiative.filing.packet.verify import packet_verify
from initiative.filing.submit import initiative_submit
from initiative.filing.tasks import build_packet_task
from initiative.models import Initiative, Packet, PacketStatus
from signatures.paper.services import paper_scan_upload
from tests.concurrently import at_once, failures
from tests.conftest import set_up_mail_delivered
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper
from tests.initiative.filing.packet_files import run, stored_bytes, stored_files, supporters
from tests.pki import (  # noqa: F401  (fixtures)
    ADULT_PESEL,
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    pki_server,
    seal_pki,
    seal_settings,
    sign_pdf,
    trusted_roots,
)

COUNCIL_EMAIL = "rada@gliwice.example.org"
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def scan_png() -> bytes:
    """A real PNG (a QR code), standing in for the scan of a returned sheet."""
    buffer = io.BytesIO()
    segno.make("arkusz 1").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


SCAN = scan_png()


def file_with_scan(initiative, author) -> Initiative:
    """Six paper rows on sheet 1, the sheet's scan, then filing, with the on-commit tasks run."""
    Initiative.objects.filter(pk=initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(initiative, author, FILED_THRESHOLD + 1)
    paper_scan_upload(
        initiative_id=initiative.pk,
        actor=author,
        sheet_number=1,
        upload=SimpleUploadedFile("skan arkusza.png", SCAN, content_type="image/png"),
    )
    return initiative_submit(initiative_id=initiative.pk, actor=author)


pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def council_email(demo_units):
    from municipalities.models import Unit

    Unit.objects.filter(teryt="2466011").update(council_email=COUNCIL_EMAIL)


@pytest.fixture
def built(seal_settings, council_email, collecting_initiative, author, django_capture_on_commit_callbacks):
    """Gliwice's initiative filed with a scan; its packet built by the task that filing orders."""
    set_up_mail_delivered()  # the committee's invitations and the chair's notice of opening
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        initiative = file_with_scan(collecting_initiative, author)
    packet = Packet.objects.get(initiative=initiative)
    return packet, stored_bytes(packet)


# -- what is built ----------------------------------------------------------------------------------------


def test_filing_builds_one_sealed_packet_that_pyhanko_accepts(built, caplog):
    packet, data = built
    assert packet.status == PacketStatus.READY and packet.error == ""
    assert packet.sha256 == hashlib.sha256(data).hexdigest()
    assert packet.size_bytes == len(data)
    assert packet.records == FILED_THRESHOLD + 1
    assert packet.ready_at is not None and len(packet.merkle_root) == 64
    assert packet.file.name.startswith(f"packets/{packet.initiative_id}/")
    assert data.startswith(b"%PDF-")
    # At rest the file is encrypted: neither the PDF nor a supporter's name can be read from the storage.
    with packet.file.open("rb") as handle:
        raw = handle.read()
    assert (
        not raw.startswith(b"%PDF")
        and b"Gliwice" not in raw
        and hashlib.sha256(raw).hexdigest() != packet.sha256
    )

    seal = validate_seal(data)
    assert seal.accepted, seal.summary
    assert (seal.intact, seal.valid, seal.trusted, seal.covers_whole_document) == (True,) * 4


def test_with_a_timestamp_authority_the_seal_is_timestamped(seal_settings, pki_server, filed_initiative):
    seal_settings.TSA_URL = f"{pki_server.url}/tsa"
    packet = Packet.objects.get(initiative=filed_initiative)
    packet_build(packet.pk)
    seal = validate_seal(stored_bytes(packet))
    assert seal.accepted and seal.timestamped, seal.summary


def test_the_packet_claims_pdfa_3b(built):
    import pikepdf

    _packet, data = built
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as meta:
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "B")


def test_poppler_validates_the_seal(built, tmp_path):
    assert shutil.which("pdfsig"), "poppler's pdfsig is needed (apt-get install poppler-utils)"
    _packet, data = built
    report = run(["pdfsig"], data, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report


def test_public_verification_finds_the_packet_valid(built):
    packet, data = built
    report = packet_verify(data)
    assert report.valid, [problem.code for problem in report.problems]
    assert report.sha256 == packet.sha256


def test_text_is_extractable_with_polish_letters_and_every_supporter(built, tmp_path):
    packet, data = built
    text = run(["pdftotext", "-layout"], data, tmp_path)
    flat = " ".join(text.split())  # a row's cells are spaced out, long ones broken: compare words

    assert "Przewodniczący Rady Miasta Gliwice" in flat
    assert "Komitet Inicjatywy Uchwałodawczej" in flat
    assert "art. 41a ustawy z dnia 8 marca 1990 r. o samorządzie gminnym" in flat
    assert packet.initiative.title in flat
    assert set("ąćęłńóśźż") <= set(text.lower())
    for signature in supporters(packet.initiative):
        row = (
            f"{signature.first_names} {signature.last_name} {signature.address} {signature.birth_date} "
            f"{signature.citizenship} papier {signature.signed_on.isoformat()} ark. 1"
        )
        assert row in flat
    assert {"Łucja", "Świętosław", "Żaneta"} <= {
        signature.first_names for signature in supporters(packet.initiative)
    }
    assert "Źdźbło-" in flat


def test_every_page_is_numbered_and_names_the_packet(built, tmp_path):
    packet, data = built
    pages = run(["pdftotext", "-layout"], data, tmp_path).split("\f")[:-1]
    footer = re.compile(r"Inicjatywa nr (\d+) · pakiet, wersja (\d+)\s+strona (\S+)\s*$")
    numbers = []
    for page in pages:
        match = footer.search(page)
        assert match, page[-300:]
        assert match.groups()[:2] == (str(packet.initiative_id), str(packet.version))
        numbers.append(match.group(3))
    front = [number for number in numbers if not number.isdigit()]
    body = [int(number) for number in numbers if number.isdigit()]
    assert numbers == front + [str(number) for number in body]  # roman first, then arabic
    assert front == ROMAN[: len(front)] and len(front) >= 4
    assert body == list(range(1, len(body) + 1)) and len(body) >= 3


def test_the_integrity_appendix_holds_and_recomputes_from_the_records(built, tmp_path):
    packet, data = built
    manifest = json.loads(read_attachment(data, "integrity.json"))
    assert manifest["merkle_root"] == packet.merkle_root
    assert (manifest["initiative"], manifest["version"]) == (packet.initiative_id, packet.version)

    # Each record as the appendix describes it, hashed and rooted here without the platform's code.
    expected = []
    for position, signature in enumerate(supporters(packet.initiative), start=1):
        record = {
            "number": position,
            "first_names": signature.first_names,
            "last_name": signature.last_name,
            "address": signature.address,
            "birth_date": signature.birth_date,
            "citizenship": signature.citizenship,
            "method": "paper",
            "signed_on": signature.signed_on.isoformat(),
            "sheet": 1,
        }
        canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        expected.append(hashlib.sha256(canonical.encode()).hexdigest())
    assert manifest["records"] == expected
    assert rfc6962_root(expected) == packet.merkle_root

    text = " ".join(run(["pdftotext"], data, tmp_path).split())
    assert packet.merkle_root in text
    for digest in expected:
        assert digest in text


def rfc6962_root(hashes: list[str]) -> str:
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(value)).digest() for value in hashes]
    while len(level) > 1:
        level = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return level[0].hex()


def test_the_scan_uploaded_before_filing_is_attached_and_hashed(built, tmp_path):
    _packet, data = built
    digest = hashlib.sha256(SCAN).hexdigest()
    assert read_attachment(data, "arkusz-1.png") == SCAN
    assert attachment_digests(data)["arkusz-1.png"] == digest
    assert json.loads(read_attachment(data, "integrity.json"))["files"] == {"arkusz-1.png": digest}
    assert digest in " ".join(run(["pdftotext"], data, tmp_path).split())


def test_the_paper_originals_are_listed_by_sheet_for_the_office(built, tmp_path):
    """A paper signature is the handwritten row: the packet names the sheets whose originals the committee
    delivers (part C), and the cover letter says so (docs/law.md §Forms of support)."""
    _packet, data = built
    text = " ".join(run(["pdftotext", "-layout"], data, tmp_path).split())
    assert "Oryginały arkuszy papierowych Komitet doręcza do urzędu oryginały poniższych arkuszy" in text
    assert f"Arkusz Pozycje wykazu Skan dołączony 1 {FILED_THRESHOLD + 1} tak" in text
    assert "oryginały arkuszy papierowych z podpisami (1 arkusz, wymienione w części c)" in text.lower()


def test_the_letter_cites_the_committees_basis_and_no_made_up_title(built, tmp_path):
    """The committee rests on ust. 4 and 5 of the article, not ust. 1; the council's resolution is named by
    its number (no title of our own making); e-mail declarations are support ("poparcie"), not signatures."""
    _packet, data = built
    text = " ".join(run(["pdftotext", "-layout"], data, tmp_path).split())
    assert "(art. 41a ust. 4 i 5 ustawy)" in text and "ust. 1 ustawy)" not in text
    assert "w sprawie zasad i trybu" not in text
    assert "Forma poparcia" in text and "Forma podpisu" not in text


def test_personal_data_stay_out_of_the_logs(seal_settings, filed_initiative, caplog):
    caplog.set_level(logging.DEBUG)
    packet = Packet.objects.get(initiative=filed_initiative)
    packet_build(packet.pk)
    logged = caplog.text
    assert f"packet {packet.pk} built" in logged
    for signature in supporters(filed_initiative):
        assert signature.last_name not in logged and signature.address not in logged


# -- e-mails ----------------------------------------------------------------------------------------------


def test_the_chair_and_each_active_member_are_told_once(built, author):
    packet, _data = built
    initiative = packet.initiative
    members = {
        seat.user.email
        for seat in initiative.committee_members.filter(left_at__isnull=True).select_related("user")
    }
    recipients = [message.to for message in mail.outbox]
    assert [COUNCIL_EMAIL] in recipients
    assert sorted(to[0] for to in recipients if to != [COUNCIL_EMAIL]) == sorted(members)
    assert all(len(to) == 1 for to in recipients)  # members do not see each other's addresses

    chair = next(message for message in mail.outbox if message.to == [COUNCIL_EMAIL])
    assert f"/clerk/initiatives/{initiative.pk}/" in chair.body
    assert packet.sha256 in chair.body
    committee = next(message for message in mail.outbox if message.to == [author.email])
    assert f"/api/v1/initiatives/{initiative.pk}/packet.pdf?version=1" in committee.body
    for message in mail.outbox:  # a count and a title, never a supporter
        for signature in supporters(initiative):
            assert signature.last_name not in message.body

    sent = len(mail.outbox)
    assert build_packet_task.delay(packet.pk).get() == packet.sha256
    assert len(mail.outbox) == sent


def test_without_a_council_address_only_the_committee_is_told(
    seal_settings, filed_initiative, caplog, django_capture_on_commit_callbacks
):
    from municipalities.models import Unit

    Unit.objects.filter(pk=filed_initiative.municipality_id).update(council_email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        packet_build(Packet.objects.get(initiative=filed_initiative).pk)
    members = filed_initiative.committee_members.filter(left_at__isnull=True).values_list(
        "user__email", flat=True
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(members)
    assert "no council e-mail recorded for 2466011" in caplog.text


# -- idempotence, concurrency, failure -------------------------------------------------------------------


def test_running_the_task_again_keeps_the_one_file(built):
    packet, data = built
    for _ in range(2):
        assert build_packet_task.delay(packet.pk).get() == packet.sha256
    assert stored_bytes(packet) == data
    assert stored_files(packet.initiative_id) == [packet.file.name.rsplit("/", 1)[1]]
    assert Packet.objects.filter(initiative=packet.initiative).count() == 1


def test_a_failure_leaves_the_row_retryable_and_no_file(seal_settings, filed_initiative, settings, tmp_path):
    packet = Packet.objects.get(initiative=filed_initiative)
    key = settings.SEAL_P12_FILE
    settings.SEAL_P12_FILE = str(tmp_path / "missing.p12")  # the operator's key is gone: sealing fails
    mail.outbox.clear()
    with pytest.raises(Exception) as failure:
        packet_build(packet.pk)
    packet.refresh_from_db()
    assert (packet.status, packet.error) == (PacketStatus.FAILED, type(failure.value).__name__)
    assert "missing.p12" not in packet.error
    assert (packet.sha256, packet.merkle_root, packet.file.name, packet.ready_at) == ("", "", "", None)
    assert stored_files(filed_initiative.pk) == [] and mail.outbox == []

    settings.SEAL_P12_FILE = key  # fixed: Celery's retry finishes the job
    sha256 = packet_build(packet.pk)
    packet.refresh_from_db()
    assert (packet.status, packet.error, packet.sha256) == (PacketStatus.READY, "", sha256)
    assert len(stored_files(filed_initiative.pk)) == 1


def test_the_sweep_orders_failed_and_lost_packets_again(seal_settings, filed_initiative, settings, tmp_path):
    packet = Packet.objects.get(initiative=filed_initiative)
    assert packets_reorder() == 0  # building since a moment ago: its worker is at it
    Packet.objects.filter(pk=packet.pk).update(created_at=timezone.now() - 2 * STALE_AFTER)
    assert packets_reorder() == 1  # lost with its worker: built now (tasks run eagerly here)
    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY
    assert packets_reorder() == 0  # a ready packet is left alone

    Packet.objects.filter(pk=packet.pk).update(status=PacketStatus.FAILED, error="SealFailed")
    settings.SEAL_P12_FILE = str(tmp_path / "missing.p12")
    with pytest.raises(Exception):  # noqa: B017  (whatever loading a missing key raises)
        packets_reorder()
    packet.refresh_from_db()
    assert packet.status == PacketStatus.FAILED


def test_a_packet_is_not_built_once_the_list_is_erased(seal_settings, filed_initiative):
    packet = Packet.objects.get(initiative=filed_initiative)
    Initiative.objects.filter(pk=filed_initiative.pk).update(personal_data_deleted_at=timezone.now())
    with pytest.raises(PacketAbandoned):
        packet_build(packet.pk)
    packet.refresh_from_db()
    assert (packet.status, packet.error, packet.file.name) == (PacketStatus.FAILED, "PacketAbandoned", "")
    assert packets_reorder() == 0


@pytest.mark.django_db(transaction=True)
def test_a_run_finding_the_packet_locked_leaves_it_to_the_holder(seal_settings, filed_initiative):
    # Under a transactional test the filing's task has run on commit; a second version is a new build.
    packet = Packet.objects.create(initiative=filed_initiative, version=2)
    answers = []
    with transaction.atomic():
        Packet.objects.select_for_update().get(pk=packet.pk)  # another worker holds it
        worker = threading.Thread(target=lambda: answers.append(packet_build(packet.pk)))
        worker.start()
        worker.join(timeout=60)
    assert answers == [""]
    packet.refresh_from_db()
    assert packet.status == PacketStatus.BUILDING and not packet.file


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_build_one_file(seal_settings, filed_initiative):
    packet = Packet.objects.create(initiative=filed_initiative, version=2)
    answers = at_once(lambda: packet_build(packet.pk), lambda: packet_build(packet.pk))
    assert failures(answers) == []
    packet.refresh_from_db()
    assert packet.status == PacketStatus.READY
    assert packet.sha256 in answers and set(answers) <= {packet.sha256, ""}
    version_1 = Packet.objects.get(initiative=filed_initiative, version=1)
    names = {packet.file.name.rsplit("/", 1)[1], version_1.file.name.rsplit("/", 1)[1]}
    assert set(stored_files(filed_initiative.pk)) == names  # one file per version, nothing left over
