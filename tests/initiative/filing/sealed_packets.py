"""A small sealed packet made the way the packet builder makes one, for the tests of checking a packet
(test_verify_packet*.py) and of the operators' commands (tests/test_development_checkout.py): a Typst part
(untagged PDF/A-3b), the integrity appendix from initiative.filing.packet.integrity.manifest attached as
integrity.json with a scan beside it, assembled, and sealed with the test seal of tests/pki.py.

A test module using the fixtures imports `part` and `packet` from here, and `seal_settings` from tests/pki.py.
"""

import hashlib
import json

import pytest
from django.utils import translation

from documents.pades import seal_pdf
from documents.pdf_assembly import Attachment, assemble_pdf
from documents.typst_render import render_pdf
from initiative.filing.packet import integrity
from tests.documents.test_pades import STATEMENT_DATA

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
