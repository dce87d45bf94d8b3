"""Scans of paper sheets that are bombs for whoever opens them are refused at upload, with a clear reason and
nothing stored (documents/scan_check.py; docs/security.md "Parsing uploads: budgets")."""

import io
import struct
import zlib

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from signatures.models import PaperSheetScan
from tests import bombs
from tests.resident_memory import resident_peak

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def client(author) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(author)
    return client


def upload(client, initiative, content: bytes, name: str):
    url = f"/initiatives/{initiative.pk}/paper/scans/"
    with resident_peak() as peak:
        response = client.post(url, {"sheet_number": "1", "file": SimpleUploadedFile(name, content)})
    return response, peak


def refused(response, words: str) -> None:
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    assert words in html and 'id="id_file_error"' in html
    assert not PaperSheetScan.objects.exists()


def png(width: int, height: int) -> bytes:
    """A PNG that declares width by height 8-bit grey pixels; its picture data are one row's worth."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(min(width, 4096) + 1)))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int, *, scans: int = 1) -> bytes:
    """A baseline JPEG's headers (SOI, SOF0 of one component) and `scans` start-of-scan markers."""
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    scan = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00" + b"\x00" * 16
    return b"\xff\xd8" + frame + scan * scans + b"\xff\xd9"


def pdf_with_image(width: int, height: int) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pikepdf.Stream(pdf, zlib.compress(bytes(64)))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.FlateDecode
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_ordinary_scan_of_a_sheet_is_kept(client, collecting_initiative):
    for content, name in ((png(2480, 3508), "a4-300dpi.png"), (jpeg(4961, 7016), "a4-600dpi.jpg")):
        response, _peak = upload(client, collecting_initiative, content, name)
        assert response.status_code == 302, response.content[:500]
    response, _peak = upload(client, collecting_initiative, pdf_with_image(2480, 3508), "a4.pdf")
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (png(100_000, 100_000), "bomba.png"),  # 10 billion pixels in 200 bytes
        (jpeg(60_000, 60_000), "bomba.jpg"),
        (pdf_with_image(50_000, 50_000), "bomba.pdf"),
    ],
)
def test_a_scan_declaring_billions_of_pixels_is_refused(client, collecting_initiative, content, name):
    response, _peak = upload(client, collecting_initiative, content, name)
    refused(response, "far larger than a sheet needs")


@pytest.mark.django_db
def test_a_jpeg_of_thousands_of_passes_is_refused(client, collecting_initiative):
    response, _peak = upload(client, collecting_initiative, jpeg(2480, 3508, scans=5000), "skan.jpg")
    refused(response, "too many passes")


@pytest.mark.django_db
def test_a_pdf_scan_that_is_an_object_stream_bomb_is_refused_within_budget(client, collecting_initiative):
    response, peak = upload(client, collecting_initiative, bombs.object_stream_bomb(1024), "skan.pdf")
    refused(response, "expands to far more data than a scan holds")
    assert peak.mib < 300 and peak.seconds < 5, peak
