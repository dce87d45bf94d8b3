"""Decompression bombs posted to the public packet check, POST /api/v1/packets/verify/ (anonymous).

Each shape once filled a web worker with gigabytes or held it for half a minute (the figures are in
docs/security.md "Parsing uploads: budgets"). Now each gets a clear answer, 200 "not valid" with the
problem's code, within seconds, and the worker's resident peak grows by less than 300 MiB (measured with
tests/resident_memory.py, which sees the C++ libraries' memory too).
"""

import hashlib
import io
import json
import os

import pytest

from documents.pades import seal_pdf
from documents.pdf_assembly import Attachment, assemble_pdf
from documents.typst_render import render_pdf
from initiative.filing.packet import integrity
from initiative.filing.packet.verify import packet_verify
from tests import bombs
from tests.bombs import MiB
from tests.documents.test_pades import STATEMENT_DATA
from tests.resident_memory import resident_peak

URL = "/api/v1/packets/verify/"
PEAK_MIB = 300
SECONDS = 5


@pytest.fixture(autouse=True)
def sealing(seal_settings):
    """The roots a packet's seal is checked against."""


def post(api_client, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "pakiet.pdf"
    with resident_peak() as peak:
        response = api_client.post(URL, {"file": handle}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    return response, peak


def problems(response) -> dict[str, str]:
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["valid"] is False
    return {problem["code"]: problem["message"] for problem in body["problems"]}


@pytest.mark.django_db
def test_a_double_flate_appendix_stops_at_the_budget(api_client):
    """5.9 KB whose integrity.json is /Filter [/FlateDecode /FlateDecode]: 2 GiB once inflated twice."""
    response, peak = post(api_client, bombs.packet_with_double_flate_appendix(2048))

    found = problems(response)
    assert "over_budget" in found and "compression bomb" in found["over_budget"]
    assert peak.mib < PEAK_MIB and peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_an_object_stream_bomb_is_never_inflated_whole(api_client):
    """1 MB whose catalog sits in an object stream of 1 GiB: qpdf inflated all of it to find the catalog."""
    response, peak = post(api_client, bombs.object_stream_bomb(1024))

    assert "over_budget" in problems(response)
    assert peak.mib < PEAK_MIB and peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_json_of_millions_of_empty_lists_is_refused_before_parsing(api_client):
    """15 MB of `[],` (under the appendix's size limit) that Python's parser makes 5 million lists of."""
    response, peak = post(api_client, bombs.packet_with_json_appendix(b"[" + b"[]," * 5_000_000 + b"[]]"))

    found = problems(response)
    assert "appendix_too_large" in found
    assert found["appendix_too_large"].startswith("The integrity appendix is larger, or nested deeper")
    assert peak.mib < PEAK_MIB and peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_json_larger_than_any_appendix_is_not_read(api_client):
    """A 30 KB upload whose appendix inflates to 30 MB of empty lists (744 MiB in a worker, as reported)."""
    response, peak = post(api_client, bombs.packet_with_json_appendix(b"[" + b"[]," * 10_000_000 + b"[]]"))

    assert "over_budget" in problems(response)
    assert peak.mib < PEAK_MIB and peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_deeply_nested_json_is_a_finding_not_a_crash(api_client):
    """100,000 nested lists made Python's parser raise RecursionError, and the check answer 500."""
    response, peak = post(api_client, bombs.packet_with_json_appendix(b"[" * 100_000 + b"]" * 100_000))

    assert "appendix_too_large" in problems(response)
    assert peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_one_bomb_attached_a_thousand_times_is_hashed_within_the_budget(api_client):
    """A valid appendix and 1,000 attached files that are one stream of 64 MiB of zeros: hashing them all
    took 34 s of a worker (the old cap was 4 GiB of decoding per check)."""
    appendix = integrity.manifest(initiative_id=1, version=1, record_hashes=[], files={})
    upload = bombs.packet_with_many_copies_of_one_bomb(json.dumps(appendix).encode())
    response, peak = post(api_client, upload)

    assert "over_budget" in problems(response)
    assert peak.mib < PEAK_MIB and peak.seconds < SECONDS, peak


@pytest.mark.django_db
def test_a_genuine_packet_full_of_scans_is_checked_one_scan_at_a_time(seal_settings):
    """60 scans of 1 MiB (random bytes, as scans do not compress), sealed: the check hashes each as it
    decodes and lets it go, where it held every scan's bytes twice (read the appendix, hash the files)."""
    scans = [
        Attachment(f"arkusz-{n}.png", os.urandom(MiB), "image/png", relationship="Source") for n in range(60)
    ]
    files = {scan.name: hashlib.sha256(scan.data).hexdigest() for scan in scans}
    appendix = integrity.manifest(initiative_id=1, version=1, record_hashes=[], files=files)
    part = render_pdf("statement.typ", STATEMENT_DATA, tagged=False, standard="a-3b")
    attachments = [Attachment(integrity.ATTACHMENT_NAME, json.dumps(appendix).encode(), "application/json")]
    packet = seal_pdf(assemble_pdf([part], attachments=attachments + scans))
    del scans, attachments

    with resident_peak() as peak:
        report = packet_verify(packet)

    assert report.valid and report.integrity.files_checked == 60, report.problems
    assert peak.mib < 20, peak
