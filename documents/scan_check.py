"""What the platform reads of a scan of a paper sheet before it keeps it: that the scan declares no picture
larger than a sheet can need. Such a picture is a decompression bomb for whoever opens the scan (the
committee, the council's clerk, a PDF reader opening the packet it is attached to): a 20 MiB PNG may declare
a billion pixels.

Only headers are read, nothing is decoded: PNG's IHDR; JPEG's frame headers and its number of scans (a
progressive JPEG of thousands of scans keeps a decoder busy for minutes); a PDF through pyHanko's reader
under the request's budget (documents.bounded_reader): its pages and the /Width and /Height of their images.
"""

import struct

from documents.bounded_reader import upload_budget
from documents.pades.reading import PdfRejected, open_pdf, over_budget

# A4 at 600 dpi is 35 million pixels, A3 at 600 dpi 70 million: more is not a scan of a sheet.
MAX_SCAN_PIXELS = 100_000_000
MAX_JPEG_SCANS = 64  # a progressive JPEG has about ten
MAX_SCAN_PAGES = 20
_MAX_DEPTH = 16
# JPEG start-of-frame markers: every SOFn but DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def scan_problem(data: bytes, kind: str) -> str | None:
    """None when the scan (`kind`: "pdf", "jpeg" or "png", from its first bytes) declares nothing too large;
    else the reason: "too_many_pixels", "too_many_scans", "too_many_pages" or "over_budget"."""
    if kind == "png":
        return _png(data)
    if kind == "jpeg":
        return _jpeg(data)
    return _pdf(data)


def _too_large(width: int, height: int) -> bool:
    return width * height > MAX_SCAN_PIXELS


def _png(data: bytes) -> str | None:
    # The signature (8 bytes), then IHDR first of all chunks: length, type, width, height.
    if len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        if _too_large(width, height):
            return "too_many_pixels"
    return None


def _jpeg(data: bytes) -> str | None:
    # 0xFFDA (start of scan) cannot occur inside entropy-coded data, where 0xFF is always followed by 0x00.
    if data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        return "too_many_scans"
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # fill bytes before a marker
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        if marker in (0xDA, 0xD9):  # the frame header comes before the first scan
            return None
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker in _SOF and position + 9 <= len(data):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            if _too_large(width, height):
                return "too_many_pixels"
        position += 2 + length
    return None


def _pdf(data: bytes) -> str | None:
    try:
        reader = open_pdf(data, budget=upload_budget(len(data)), strict=False)
        return _pages_problem(reader.root.get("/Pages"))
    except PdfRejected as rejected:
        return "over_budget" if rejected.reason == "over_budget" else None
    except Exception as error:  # a damaged file: what cannot be read declares nothing either
        return "over_budget" if over_budget(error) else None


def _pages_problem(tree) -> str | None:
    pages = 0
    seen: set = set()
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        reference = getattr(node, "reference", None)
        if node is None or depth > _MAX_DEPTH or (reference is not None and reference in seen):
            continue
        seen.add(reference)
        node = node.get_object()
        if not hasattr(node, "get"):
            continue
        if _images_problem(node.get("/Resources"), 0):
            return "too_many_pixels"
        kids = node.get("/Kids")
        if kids is None:
            pages += 1
            if pages > MAX_SCAN_PAGES:
                return "too_many_pages"
        else:
            pending.extend((kid, depth + 1) for kid in kids.get_object())
    return None


def _resolved(value):
    return value.get_object() if value is not None else None


def _images_problem(resources, depth: int) -> bool:
    """An image among the resources (or in a form among them) declares more than MAX_SCAN_PIXELS."""
    resources = resources.get_object() if resources is not None else None
    objects = resources.get("/XObject") if hasattr(resources, "get") else None
    objects = objects.get_object() if objects is not None else None
    if not hasattr(objects, "values") or depth > 4:
        return False
    for value in list(objects.values())[:1000]:
        item = value.get_object()
        if not hasattr(item, "get"):
            continue
        subtype = item.get("/Subtype")
        if subtype == "/Image":
            width, height = (_resolved(item.get(key)) for key in ("/Width", "/Height"))
            if isinstance(width, int) and isinstance(height, int) and _too_large(width, height):
                return True
        elif subtype == "/Form" and _images_problem(item.get("/Resources"), depth + 1):
            return True
    return False
