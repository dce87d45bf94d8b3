"""Checking a packet: initiative.filing.packet.verify.packet_verify's report, for a sound packet and for every
kind of damage we can think of; each damage must give a clear finding and "not valid", never a traceback.
The packet is tests/initiative/filing/sealed_packets.py's. The command, the API and the page:
test_verify_packet_command.py, test_verify_packet_api.py, test_verify_packet_page.py.
"""

import hashlib
import io
import json

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.pades import seal_pdf
from documents.pdf_assembly import Attachment
from initiative.filing.packet import integrity
from initiative.filing.packet.verify import packet_verify
from tests.initiative.filing.sealed_packets import RECORDS, appendix, assemble, codes, english
from tests.pki import make_pki, make_seal_pki, sign_pdf

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
