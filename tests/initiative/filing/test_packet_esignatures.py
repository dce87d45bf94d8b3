"""Electronic signatures in the packet: their validation evidence (part B) and the very files the supporters
uploaded, attached so that the office can validate each signature itself (docs/law.md §The packet)."""

import datetime
import hashlib
import io
import json

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.storage import default_storage
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents.pades import read_attachment
from initiative.filing.packet.verify import packet_verify
from initiative.filing.retention import initiative_personal_data_erase
from initiative.models import Initiative
from signatures.models import Signature, SignedFile
from tests.initiative.filing.packet_files import run, supporters
from tests.pki import ADULT_PESEL

pytestmark = pytest.mark.usefixtures("media")


def test_electronic_signatures_bring_their_validation_evidence(krakow_filed_with_esignature, tmp_path):
    packet, data = krakow_filed_with_esignature
    assert packet.records == 2
    text = " ".join(run(["pdftotext"], data, tmp_path).split())
    assert "Część B. Dowody weryfikacji podpisów elektronicznych" in text
    signed = Signature.objects.get(initiative=packet.initiative, method="qes")
    evidence = signed.evidence
    assert evidence["file_sha256"] in text and evidence["issuer"] in text
    rows = " ".join(run(["pdftotext", "-layout"], data, tmp_path).split())
    assert "Jan Kowalski ul. Floriańska 1/2, 31-019 Kraków 1944-05-14 PL e-podpis" in rows
    assert "Świętosław Źdźbło-D ul. Floriańska 3, 31-019 Kraków" in rows
    assert ADULT_PESEL not in text  # the rules ask for the date of birth: no PESEL in the packet

    manifest = json.loads(read_attachment(data, "integrity.json"))
    position = 1 + [signature.pk for signature in supporters(packet.initiative)].index(signed.pk)
    record = {
        "number": position,
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Floriańska 1/2, 31-019 Kraków",
        "birth_date": "1944-05-14",
        "citizenship": "PL",
        "method": "qes",
        "signed_on": signed.signed_on.isoformat(),
        "evidence": evidence,
    }
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert manifest["records"][position - 1] == hashlib.sha256(canonical.encode()).hexdigest()
    assert packet_verify(data).valid


def test_the_signed_statement_travels_with_the_packet_as_uploaded(krakow_filed_with_esignature, pki):
    packet, data = krakow_filed_with_esignature
    signed = Signature.objects.get(initiative=packet.initiative, method="qes")
    position = 1 + [signature.pk for signature in supporters(packet.initiative)].index(signed.pk)
    attached = read_attachment(data, f"poparcie-{position}.pdf")
    assert hashlib.sha256(attached).hexdigest() == signed.evidence["file_sha256"]
    manifest = json.loads(read_attachment(data, "integrity.json"))
    assert manifest["files"][f"poparcie-{position}.pdf"] == signed.evidence["file_sha256"]

    # A separate pyHanko run, as the office would make it, validates the supporter's signature itself.
    reader = PdfFileReader(io.BytesIO(attached))
    root = asn1_x509.Certificate.load(pki.root.certificate.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted


def test_the_signed_file_is_stored_encrypted_and_goes_with_the_personal_data(krakow_filed_with_esignature):
    packet, _data = krakow_filed_with_esignature
    row = SignedFile.objects.get(initiative_id=packet.initiative_id)
    with default_storage.open(row.file.name, "rb") as stored:
        sealed = stored.read()
    assert b"%PDF" not in sealed and len(sealed) >= row.size
    assert str(ADULT_PESEL).encode() not in sealed

    ended = timezone.now() - datetime.timedelta(days=4000)
    Initiative.objects.filter(pk=packet.initiative_id).update(status="withdrawn", finished_at=ended)
    log = initiative_personal_data_erase(packet.initiative_id, now=timezone.now())
    assert log is not None and "signed statements 1" in log.note
    assert not SignedFile.objects.filter(pk=row.pk).exists()
    assert not default_storage.exists(row.file.name)
