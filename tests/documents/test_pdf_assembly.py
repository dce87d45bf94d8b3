"""documents.pdf_assembly: Typst parts put together with pikepdf, files attached, read back (by
documents.pades, as an uploaded packet is read); checked with poppler's pdfinfo, pdftotext and pdfdetach.
No database."""

import hashlib
import io
import re
import shutil
import subprocess

import pikepdf
import pytest

from documents.bounded_reader import DecodeBudget
from documents.pades import PdfRejected, attachment_digests, read_attachment
from documents.pdf_assembly import Attachment, PdfUnreadable, assemble_pdf, page_count
from documents.typst_render import render_pdf
from tests.documents.test_pades import STATEMENT_DATA

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
TITLES = ("w sprawie nadania nazwy ulicy Żółwiej", "w sprawie źródeł Łaby", "w sprawie gęśli i jaźni")


@pytest.fixture(scope="module")
def parts() -> list[bytes]:
    """Three one-page statements, each with its own title, as packet parts are rendered: untagged PDF/A-3b."""
    return [
        render_pdf("statement.typ", {**STATEMENT_DATA, "title": title}, tagged=False, standard="a-3b")
        for title in TITLES
    ]


@pytest.fixture(scope="module")
def attachments() -> list[Attachment]:
    return [
        Attachment("integrity.json", b'{"format": "test", "ok": true}', "application/json", "Dodatek"),
        Attachment("arkusz-1.jpg", bytes(range(256)) * 40, "image/jpeg", "Skan arkusza 1", "Source"),
    ]


def poppler(tool: str, data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "assembled.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@needs_poppler
def test_pages_come_in_order_with_polish_text_extractable(parts, tmp_path):
    assembled = assemble_pdf(part for part in parts)  # a generator, as the packet builder passes them

    assert page_count(assembled) == sum(page_count(part) for part in parts) == 3
    for number, title in enumerate(TITLES, start=1):
        text = poppler("pdftotext", assembled, tmp_path, "-f", str(number), "-l", str(number))
        assert title in text
        assert all(other not in text for other in TITLES if other != title)
    assert "Oświadczenie" in poppler("pdftotext", assembled, tmp_path)


@needs_poppler
def test_the_first_parts_catalog_and_pdfa_identification_are_kept(parts, attachments, tmp_path):
    assembled = assemble_pdf(parts, attachments=attachments)

    info = poppler("pdfinfo", assembled, tmp_path)
    assert re.search(r"Title:\s+Oświadczenie o poparciu projektu uchwały", info)
    assert re.search(r"Pages:\s+3", info)
    with pikepdf.open(tmp_path / "assembled.pdf") as pdf:
        assert "/OutputIntents" in pdf.Root and pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        metadata = pdf.open_metadata()
        # PDF/A-3 is what allows attached files; conformance level B, as Typst made it.
        assert (metadata["pdfaid:part"], metadata["pdfaid:conformance"]) == ("3", "B")
        assert metadata["dc:title"] == "Oświadczenie o poparciu projektu uchwały"
        assert pdf.Root.Lang == "pl"


def test_a_pdfa2_first_part_with_attachments_is_raised_to_pdfa3(parts, attachments):
    part_2b = render_pdf("statement.typ", STATEMENT_DATA, tagged=False)  # the default, PDF/A-2b
    with pikepdf.open(io.BytesIO(part_2b)) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "2"

    with pikepdf.open(io.BytesIO(assemble_pdf([part_2b, parts[0]], attachments=attachments))) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "3"
    with pikepdf.open(io.BytesIO(assemble_pdf([part_2b, parts[0]]))) as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "2"  # nothing attached: the claim stays true as it was


@needs_poppler
def test_attachments_round_trip_as_pdfa3_associated_files(parts, attachments, tmp_path):
    assembled = assemble_pdf(parts, attachments=attachments)

    for attachment in attachments:
        assert read_attachment(assembled, attachment.name) == attachment.data
    assert read_attachment(assembled, "absent.txt") is None
    assert attachment_digests(assembled) == {a.name: hashlib.sha256(a.data).hexdigest() for a in attachments}
    listing = poppler("pdfdetach", assembled, tmp_path, "-list")
    assert "2 embedded files" in listing and "integrity.json" in listing and "arkusz-1.jpg" in listing

    with pikepdf.open(tmp_path / "assembled.pdf") as pdf:
        associated = {str(spec.F): spec for spec in pdf.Root.AF}
        assert set(associated) == {"integrity.json", "arkusz-1.jpg"}
        json_spec, scan_spec = associated["integrity.json"], associated["arkusz-1.jpg"]
        assert json_spec.AFRelationship == "/Supplement" and scan_spec.AFRelationship == "/Source"
        assert str(json_spec.UF) == "integrity.json" and str(json_spec.Desc) == "Dodatek"
        stream = json_spec.EF.F
        assert stream.Type == "/EmbeddedFile" and stream.Subtype == "/application/json"
        assert int(stream.Params.Size) == len(attachments[0].data)
        assert str(stream.Params.ModDate).startswith("D:20")
        assert scan_spec.EF.F.Subtype == "/image/jpeg"


def test_the_same_parts_give_the_same_bytes(parts):
    assert assemble_pdf(parts) == assemble_pdf(iter(parts))


def test_bad_input_is_refused_clearly(parts):
    with pytest.raises(ValueError, match="no parts"):
        assemble_pdf([])
    with pytest.raises(ValueError, match="part 2 is not a PDF"):
        assemble_pdf([parts[0], b"not a pdf"])
    twice = [Attachment("a.txt", b"1", "text/plain"), Attachment("a.txt", b"2", "text/plain")]
    with pytest.raises(ValueError, match="same name"):
        assemble_pdf(parts, attachments=twice)
    with pytest.raises(ValueError, match="relationship"):
        assemble_pdf(parts, attachments=[Attachment("a.txt", b"1", "text/plain", relationship="Mine")])


def test_unreadable_files_are_refused(parts):
    for data in (b"", b"%PDF-1.7\n garbage", b"\x00" * 100):
        with pytest.raises(PdfRejected) as raised:
            read_attachment(data, "integrity.json")
        assert raised.value.reason == "not_pdf"
        with pytest.raises(PdfUnreadable):
            page_count(data)
        with pytest.raises(PdfRejected):
            attachment_digests(data)


def test_a_compression_bomb_stops_at_the_limit(parts):
    """An uploaded packet may carry an attachment that inflates to gigabytes: reading stops at the cap."""
    big = b"\x00" * (64 * 1024 * 1024)
    assembled = assemble_pdf(parts[:1], attachments=[Attachment("bomb.bin", big, "application/octet-stream")])
    assert len(assembled) < 1024 * 1024  # compressed by the assembly

    with pytest.raises(PdfRejected) as raised:
        read_attachment(assembled, "bomb.bin", max_bytes=1024 * 1024)
    assert raised.value.reason == "over_budget"
    with pytest.raises(PdfRejected) as raised:
        attachment_digests(assembled, budget=DecodeBudget(total=1024 * 1024))
    assert raised.value.reason == "over_budget"
    assert attachment_digests(assembled)["bomb.bin"] == hashlib.sha256(big).hexdigest()


def test_a_damaged_attachment_stream_is_unreadable(parts):
    assembled = assemble_pdf(parts[:1], attachments=[Attachment("a.json", b"{}" * 1000, "application/json")])
    with pikepdf.open(io.BytesIO(assembled)) as pdf:
        stream = pdf.attachments["a.json"].get_file().obj
        stream.write(b"\x78\x9c garbage that is not deflate", filter=pikepdf.Name.FlateDecode)
        out = io.BytesIO()
        pdf.save(out)
    with pytest.raises(PdfRejected) as raised:
        read_attachment(out.getvalue(), "a.json")
    assert raised.value.reason == "attachment_unreadable"
