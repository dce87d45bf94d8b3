"""documents.pades.seal_pdf and validate_seal: the platform's seal on packets, with real pyHanko, the test
seal of tests/pki.py (a CRL and a timestamp authority served over local HTTP), and poppler's pdfsig.

No database. A Typst PDF (the support statement, untagged PDF/A-3b as packet parts are) is sealed in each
test; sealing takes tens of milliseconds.
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import io
import logging
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from documents import seal_key
from documents.pades import (
    SEAL_FIELD,
    PdfRejected,
    SealFailed,
    seal_pdf,
    seal_trust_roots_pem,
    validate_seal,
)
from documents.pdf_assembly import Attachment, assemble_pdf
from documents.typst_render import render_pdf
from tests.concurrently import at_once
from tests.documents.test_pades import STATEMENT_DATA
from tests.pki import (  # noqa: F401  (fixtures)
    SEAL_P12_PASSWORD,
    make_pki,
    make_seal_pki,
    pki_server,
    seal_pki,
    seal_settings,
    sign_pdf,
)

needs_pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler's pdfsig is not installed")


@pytest.fixture(scope="module")
def document() -> bytes:
    return render_pdf("statement.typ", STATEMENT_DATA, tagged=False, standard="a-3b")


def pyhanko_reader(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data))


def pdfsig(data: bytes, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / "sealed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)


def test_a_seal_covers_the_whole_document_with_revocation_data_in_its_own_revision(
    document, seal_settings, seal_pki, pki_server
):
    fetched = pki_server.crl_requests
    sealed = seal_pdf(document)

    result = validate_seal(sealed)
    assert result.accepted
    assert (result.intact, result.valid, result.trusted, result.covers_whole_document) == (True,) * 4
    assert result.certified and not result.timestamped and result.later_signatures == ()
    assert result.sealed_by == "Pieczęć testowej platformy, Platforma inicjatyw (test), PL"
    assert result.issuer == "Testowe CA pieczęci, Test, PL"
    # B-LT: the CRL was fetched and embedded, and the DSS sits in the seal's own revision (the document's
    # one revision plus the seal's), not in a third one that would make validation diff every object.
    assert pki_server.crl_requests > fetched
    assert result.revocation_data
    assert (result.signed_revision, result.revisions) == (1, 2)
    reader = pyhanko_reader(sealed)
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) == 1 and bytes(dss["/CRLs"][0].get_object().data) == seal_pki.crl
    assert sealed.startswith(document)  # an incremental update: the document's bytes are untouched


def test_the_sealed_packet_stays_pdfa3_with_matching_metadata(document, seal_settings, tmp_path):
    """pyHanko rewrites /Producer and /ModDate and the XMP with them; PDF/A wants both to agree, and an
    RSA seal keeps the file PDF 1.7 (an ECDSA one would make pyHanko declare PDF 2.0)."""
    import datetime

    import pikepdf
    from pikepdf.models.metadata import decode_pdf_date

    appendix = Attachment("integrity.json", b"{}", "application/json")
    sealed = seal_pdf(assemble_pdf([document], attachments=[appendix]))

    with pikepdf.open(io.BytesIO(sealed)) as pdf:
        assert pdf.Root.get("/Version", pikepdf.Name("/1.7")) == "/1.7"
        assert "/ISO_" not in pdf.Root.get("/Extensions", {})
        metadata = pdf.open_metadata()
        assert (metadata["pdfaid:part"], metadata["pdfaid:conformance"]) == ("3", "B")
        assert metadata["pdf:Producer"] == str(pdf.docinfo.Producer)
        modified = datetime.datetime.fromisoformat(metadata["xmp:ModifyDate"])
        assert modified == decode_pdf_date(str(pdf.docinfo.ModDate))
        assert "/AF" in pdf.Root and "/OutputIntents" in pdf.Root
    if shutil.which("pdfinfo"):
        path = tmp_path / "sealed.pdf"
        path.write_bytes(sealed)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"PDF version:\s+1\.7", info)


def test_the_seal_metadata_names_the_platform(document, seal_settings):
    sealed = seal_pdf(document)
    signature = pyhanko_reader(sealed).embedded_signatures[0]
    assert signature.field_name == SEAL_FIELD
    assert str(signature.sig_object["/Reason"]) == "Pieczęć platformy inicjatyw uchwałodawczych"
    assert str(signature.sig_object["/Location"]) == "Polska"


@needs_pdfsig
def test_poppler_agrees(document, seal_settings, tmp_path):
    report = pdfsig(seal_pdf(document), tmp_path)
    assert report.returncode == 0, report.stderr
    assert f"Signature Field Name: {SEAL_FIELD}" in report.stdout
    assert "Signature Validation: Signature is Valid." in report.stdout
    assert "Total document signed" in report.stdout
    assert "Pieczęć testowej platformy" in report.stdout


@needs_pdfsig
def test_poppler_sees_a_changed_byte(document, seal_settings, tmp_path):
    sealed = seal_pdf(document)
    damaged = sealed.replace(b"Typst", b"Tipst", 1)
    assert damaged != sealed
    report = pdfsig(damaged, tmp_path)
    assert "Signature is Valid." not in report.stdout
    assert not validate_seal(damaged).intact


def test_a_timestamp_makes_it_b_t(document, seal_settings, pki_server, tmp_path):
    seal_settings.TSA_URL = f"{pki_server.url}/tsa"
    asked = pki_server.tsa_requests
    sealed = seal_pdf(document)

    result = validate_seal(sealed)
    assert pki_server.tsa_requests > asked  # pyHanko asks once more to size the signature's placeholder
    assert result.timestamped and result.accepted and result.revocation_data
    assert result.signing_time is not None
    if shutil.which("pdfsig"):
        report = pdfsig(sealed, tmp_path)
        assert "Signature is Valid." in report.stdout and "Total document signed" in report.stdout


def test_a_timestamp_authority_that_does_not_answer_stops_the_seal(document, seal_settings, pki_server):
    seal_settings.TSA_URL = f"{pki_server.url}/no-such-tsa"
    with pytest.raises(SealFailed):
        seal_pdf(document)


def test_an_unreachable_ca_seals_without_revocation_data(document, settings, tmp_path, caplog):
    unreachable = make_seal_pki(crl_url="http://127.0.0.1:9/unreachable.crl")
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(unreachable.p12())
    roots = tmp_path / "roots.pem"
    roots.write_bytes(unreachable.root_pem)
    settings.SEAL_P12_FILE, settings.SEAL_P12_PASSWORD = str(p12), SEAL_P12_PASSWORD
    settings.SEAL_TRUST_ROOTS, settings.TSA_URL = str(roots), ""

    with caplog.at_level(logging.WARNING, logger="documents.pades"):
        sealed = seal_pdf(document)

    result = validate_seal(sealed)
    assert result.accepted and not result.revocation_data
    assert (result.signed_revision, result.revisions) == (1, 2)
    assert "sealed without revocation data" in caplog.text


def test_the_trust_roots_are_the_setting_or_the_seal_chains_root(seal_settings, seal_pki, tmp_path):
    assert seal_trust_roots_pem() == seal_pki.root_pem
    seal_settings.SEAL_TRUST_ROOTS = ""
    assert seal_trust_roots_pem() == seal_pki.root_pem  # the top of the PKCS#12's chain
    seal_settings.SEAL_TRUST_ROOTS = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="SEAL_TRUST_ROOTS"):
        seal_trust_roots_pem()


def test_a_seal_from_another_root_is_not_trusted(document, seal_settings, tmp_path):
    sealed = seal_pdf(document)
    other = tmp_path / "other-roots.pem"
    other.write_bytes(make_pki().root_pem)
    seal_settings.SEAL_TRUST_ROOTS = str(other)

    result = validate_seal(sealed)
    assert result.intact and result.valid and not result.trusted and not result.accepted
    assert result.sealed_by == ""  # an untrusted signer is not named


def test_a_representatives_signature_after_the_seal_is_allowed(document, seal_settings, settings, tmp_path):
    pki = make_pki()
    roots = tmp_path / "signature-roots.pem"
    roots.write_bytes(pki.root_pem)
    settings.SIGNATURE_TRUST_ROOTS = str(roots)
    signed = sign_pdf(seal_pdf(document), pki.person, field_name="PodpisPelnomocnika")

    result = validate_seal(signed)
    assert result.accepted and result.covers_whole_document and result.revisions == 3
    (later,) = result.later_signatures
    assert later.intact and later.valid and later.trusted and later.qualified
    assert later.issuer == "Testowe CA Kwalifikowane, Test, PL"
    assert "Kowalski" not in repr(result) and "PNOPL" not in repr(result)


def test_any_other_change_after_the_seal_is_not_the_whole_document(document, seal_settings):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(seal_pdf(document)))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    result = validate_seal(out.getvalue())
    assert result.intact and result.trusted and not result.covers_whole_document and not result.accepted


def test_a_file_that_cannot_be_checked_is_rejected_with_a_reason(document, seal_settings):
    for data, reason in ((b"", "not_pdf"), (b"hello", "not_pdf"), (document, "unsigned")):
        with pytest.raises(PdfRejected) as rejected:
            validate_seal(data)
        assert rejected.value.reason == reason
    sealed = seal_pdf(document)
    with pytest.raises(PdfRejected) as rejected:
        validate_seal(sealed[: len(sealed) // 2])
    assert rejected.value.reason in {"not_pdf", "unreadable_signature"}


def test_the_development_seal_is_made_once_and_reused(document, settings, tmp_path):
    settings.DEBUG, settings.VAR_DIR = True, tmp_path / "var"
    settings.SEAL_P12_FILE, settings.SEAL_P12_PASSWORD, settings.SEAL_TRUST_ROOTS = "", "", ""
    settings.TSA_URL = ""

    first = seal_pdf(document)
    path = tmp_path / "var" / "seal" / "development-seal.p12"
    made = path.read_bytes()
    second = seal_pdf(document)

    assert path.read_bytes() == made
    assert sorted(p.name for p in path.parent.iterdir()) == ["development-root.pem", "development-seal.p12"]
    assert (path.parent / "development-root.pem").read_bytes() == seal_trust_roots_pem()
    for sealed in (first, second):
        result = validate_seal(sealed)
        assert result.accepted and not result.revocation_data  # the development seal names no CRL
        assert "NIE DO UŻYTKU" in result.issuer


def test_processes_making_the_development_seal_at_once_share_one(settings, tmp_path):
    settings.DEBUG, settings.VAR_DIR, settings.SEAL_P12_FILE = True, tmp_path / "var", ""
    made = at_once(*[lambda: seal_key.development_seal().read_bytes()] * 4)

    assert len(made) == 4 and len(set(made)) == 1
    assert [p.name for p in (tmp_path / "var" / "seal").iterdir() if p.name.startswith(".")] == []


def test_production_without_a_seal_is_improperly_configured(document, settings):
    settings.DEBUG, settings.SEAL_P12_FILE, settings.SEAL_TRUST_ROOTS = False, "", ""
    with pytest.raises(ImproperlyConfigured, match="SEAL_P12_FILE"):
        seal_pdf(document)
    with pytest.raises(ImproperlyConfigured, match="SEAL_P12_FILE"):
        seal_trust_roots_pem()


def test_a_wrong_password_or_missing_file_is_improperly_configured(document, seal_settings, tmp_path):
    seal_settings.SEAL_P12_PASSWORD = "wrong"
    with pytest.raises(ImproperlyConfigured, match="SEAL_P12_PASSWORD"):
        seal_pdf(document)
    seal_settings.SEAL_P12_FILE = str(tmp_path / "missing.p12")
    with pytest.raises(ImproperlyConfigured, match="SEAL_P12_FILE"):
        seal_pdf(document)
