"""documents.pades.validate_pdf on real PAdES signatures made with pyHanko and the test CA (tests/pki.py).

No database: a statement rendered by Typst from fixed data is signed once per module.
"""

import io
import logging
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.pades import PdfRejected, PdfValidation, validate_pdf
from documents.typst_render import render_pdf
from tests.pki import ADULT_PESEL, make_pki, sign_pdf

TOKEN = "oiu-statement-1.eyJ0ZXN0Ijp0cnVlfQ." + "0" * 64
STATEMENT_DATA = {
    "v": 1,
    "initiative": 1,
    "draft_sha256": "a" * 64,
    "issued_on": "2026-11-23",
    "council": "Rada Miasta Krakowa",
    "council_genitive": "Rady Miasta Krakowa",
    "statute": "art. 41a ustawy z dnia 8 marca 1990 r. o samorządzie gminnym",
    "title": "w sprawie nadania nazwy ulicy Żółwiej",
    "pesel": ADULT_PESEL,
    "supporter": {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Floriańska 1, 31-019 Kraków",
        "citizenship": "PL",
        "birth_date": "1944-05-14",
    },
    "data_note": "",
    "renderer": "test",
    "token": TOKEN,
    "code": "0000-0000-0000",
}


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture(scope="module")
def statement() -> bytes:
    return render_pdf("statement.typ", STATEMENT_DATA)


@pytest.fixture(scope="module")
def signed(statement, pki) -> bytes:
    return sign_pdf(statement, pki.person)


def check(data: bytes, pki, *, roots: bytes | None = None) -> PdfValidation:
    return validate_pdf(data, trust_roots_pem=pki.root_pem if roots is None else roots)


def test_a_good_signature(signed, statement, pki):
    result = check(signed, pki)

    assert result.accepted
    assert (result.intact, result.valid, result.trusted, result.covers_whole_document) == (True,) * 4
    assert result.signer.serial_number == f"PNOPL-{ADULT_PESEL}"
    assert (result.signer.given_name, result.signer.surname) == ("Jan", "Kowalski")
    assert result.qualified and not result.timestamped
    assert result.issuer == "Testowe CA Kwalifikowane, Test, PL"
    assert result.signing_time is not None
    assert (result.signed_revision, result.revisions) == (1, 2)
    # The document as issued, before the signing application added its revision.
    assert result.original_bytes == statement
    assert result.original_info["Keywords"] == TOKEN
    assert ADULT_PESEL not in result.summary and "Kowalski" not in result.summary
    assert result.summary.startswith("PAdES; intact; valid; trusted; whole document; qualified certificate")


def test_an_unknown_ca_is_not_trusted_and_the_log_names_nobody(signed, statement, pki, caplog):
    stranger = sign_pdf(statement, pki.stranger)
    with caplog.at_level(logging.DEBUG):
        result = check(stranger, pki)
    assert result.intact and result.valid and not result.trusted and not result.accepted
    assert ADULT_PESEL not in caplog.text and "Kowalski" not in caplog.text
    assert not check(signed, pki, roots=b"").trusted  # no roots: nothing is trusted


def test_changed_bytes_break_the_signature(signed, pki):
    result = check(signed.replace(b"Typst", b"Tipst", 1), pki)
    assert not result.intact and not result.accepted


def test_an_appended_change_is_not_the_whole_document(signed, pki):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = check(out.getvalue(), pki)
    assert result.intact and result.trusted and not result.covers_whole_document and not result.accepted
    assert "NOT WHOLE DOCUMENT" in result.summary


def test_validation_data_added_after_signing_are_harmless(signed, pki):
    """A signing application may add the chain and revocation data in a later revision (PAdES B-LT)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    contents = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].pkcs7_content
    certs = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
        for c in (pki.person.certificate, *pki.person.chain)
    ]
    out = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(out, contents, certs=certs)

    result = check(out.getvalue(), pki)
    assert result.revisions == 3
    assert result.covers_whole_document and result.accepted


def test_an_unsigned_pdf_is_rejected(statement, pki):
    with pytest.raises(PdfRejected) as rejected:
        check(statement, pki)
    assert rejected.value.reason == "unsigned"


def test_a_second_signature_is_rejected(signed, pki):
    with pytest.raises(PdfRejected) as rejected:
        check(sign_pdf(signed, pki.other_person, field_name="Podpis 2"), pki)
    assert rejected.value.reason == "several_signatures"


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, world", bytes(range(256)) * 40, b"%PDF-1.7\n%%EOF\n", b"%PDF-1.7\n" + b"\x00" * 500],
)
def test_what_is_not_a_pdf_is_rejected(data, pki):
    with pytest.raises(PdfRejected) as rejected:
        check(data, pki)
    assert rejected.value.reason == "not_pdf"


def test_a_truncated_file_is_rejected(signed, pki):
    for cut in (len(signed) // 3, len(signed) // 2, len(signed) - 40):
        with pytest.raises(PdfRejected):
            check(signed[:cut], pki)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), value=st.integers(0, 255))
def test_no_damaged_file_gets_through_or_crashes(signed, pki, position, value):
    index = int(position * len(signed))
    damaged = signed[:index] + bytes([value]) + signed[index + 1 :]
    try:
        result = check(damaged, pki)
    except PdfRejected:
        return
    # Either the byte is inside the signature's own hex string (not signed; its padding zeros after the
    # CMS structure are ignored) or the signature no longer holds.
    found = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)", signed)
    hole = range(int(found.group(1)) + 1, int(found.group(2)) - 1)
    assert damaged == signed or not result.accepted or index in hole


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")
def test_poppler_agrees(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in report
    assert f"serialNumber=PNOPL-{ADULT_PESEL}" in report
    assert "Total document signed" in report
