"""The one module that talks to pikepdf: put rendered PDFs together, attach files, read attachments back.

The packet (DESIGN.md §5) is rendered by Typst in parts (one Typst render of a few thousand rows at a time
keeps memory flat) and assembled here into one PDF/A-3b file: the pages of every part in order, under the
first part's catalog, so its XMP metadata, output intent and document information, which make the PDF/A
identification, carry over. Files that belong with the packet (paper sheets' scans, e-signature evidence,
the integrity appendix as JSON) are embedded as PDF/A-3 associated files (ISO 19005-3 §6.8): listed in the
catalog's /AF and in the /EmbeddedFiles name tree, each with its relationship, MIME type, size and date.

Reading attachments back serves the verification of a packet anyone uploads: the file is untrusted, so
whatever pikepdf raises on it comes out as one `PdfUnreadable`, and decompression is capped, so a small
upload cannot expand into gigabytes in memory.
"""

import dataclasses
import datetime
import hashlib
import io
import zlib
from collections.abc import Iterable, Iterator, Sequence

import pikepdf

# ISO 32000-2 §7.11.3 (table 43): the values of /AFRelationship.
RELATIONSHIPS = frozenset(
    {"Source", "Data", "Alternative", "Supplement", "EncryptedPayload", "FormData", "Schema", "Unspecified"}
)
# An attachment read back is never larger than this unless the caller says so: the integrity appendix of
# a 100,000-signature packet is about 7 MB of JSON.
DEFAULT_MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024


class PdfUnreadable(Exception):
    """The bytes are not a PDF pikepdf can read, or an attachment in it cannot be decoded (or is larger than
    allowed). `reason` is a code: "not_pdf", "attachment_unreadable", "attachment_too_large"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclasses.dataclass(frozen=True)
class Attachment:
    name: str  # the file name shown by PDF readers, unique in the document
    data: bytes
    mime_type: str  # e.g. "application/json", "image/jpeg"
    description: str = ""
    relationship: str = "Supplement"  # /AFRelationship: Supplement, Data, Source, …


def assemble_pdf(parts: Iterable[bytes], *, attachments: Sequence[Attachment] = ()) -> bytes:
    """The pages of each part in order, under the first part's catalog, with `attachments` embedded.

    `parts` may be a generator: each part is parsed when it comes and kept only as pikepdf needs it (page
    contents are copied from their source when the result is written). The first part's XMP is kept; when
    it claims PDF/A-2 and files are attached it is raised to PDF/A-3, the part that allows attachments.
    Raises ValueError for no parts, a part that is not a PDF, or two attachments of the same name.
    """
    names = [attachment.name for attachment in attachments]
    if len(set(names)) != len(names):
        raise ValueError("two attachments have the same name")
    for attachment in attachments:
        if attachment.relationship not in RELATIONSHIPS:
            raise ValueError(f"unknown attachment relationship {attachment.relationship!r}")

    sources: list[pikepdf.Pdf] = []  # open until the result is written: pages copy lazily from them
    try:
        result = None
        for part in parts:
            try:
                source = pikepdf.open(io.BytesIO(part))
            except pikepdf.PdfError as error:
                raise ValueError(f"part {len(sources) + 1} is not a PDF: {error}") from error
            sources.append(source)
            if result is None:
                result = source
            else:
                result.pages.extend(source.pages)
        if result is None:
            raise ValueError("no parts to assemble")
        if attachments:
            _attach(result, attachments)
            _claim_pdfa3(result)
        out = io.BytesIO()
        # Object streams (allowed since PDF/A-2) keep 100,000 rows' worth of small objects compact; the ID
        # is derived from the content, so the same parts give the same bytes.
        result.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            deterministic_id=True,
        )
        return out.getvalue()
    finally:
        for source in sources:
            source.close()


def _attach(pdf: pikepdf.Pdf, attachments: Sequence[Attachment]) -> None:
    now = _pdf_date(datetime.datetime.now(datetime.UTC))
    associated = pdf.Root.get("/AF", pikepdf.Array())
    for attachment in attachments:
        spec = pikepdf.AttachedFileSpec(
            pdf,
            attachment.data,
            description=attachment.description,
            filename=attachment.name,
            mime_type=attachment.mime_type,
            creation_date=now,
            mod_date=now,
            relationship=pikepdf.Name("/" + attachment.relationship),
        )
        pdf.attachments[attachment.name] = spec
        associated.append(spec.obj)
    pdf.Root.AF = associated


def _claim_pdfa3(pdf: pikepdf.Pdf) -> None:
    """PDF/A-2 forbids embedded files other than PDF/A; PDF/A-3 allows any, as associated files."""
    if "/Metadata" not in pdf.Root:
        return
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if meta.get("pdfaid:part") == "2":
            meta["pdfaid:part"] = "3"


def _pdf_date(moment: datetime.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def _open(data: bytes) -> pikepdf.Pdf:
    if not data:
        raise PdfUnreadable("not_pdf", "empty")
    try:
        return pikepdf.open(io.BytesIO(data))
    except Exception as error:  # qpdf raises PdfError, but a hostile file can make it raise others
        raise PdfUnreadable("not_pdf", type(error).__name__) from error


def page_count(data: bytes) -> int:
    """Number of pages; raises PdfUnreadable."""
    with _open(data) as pdf:
        try:
            return len(pdf.pages)
        except Exception as error:
            raise PdfUnreadable("not_pdf", type(error).__name__) from error


def read_attachment(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> bytes | None:
    """The embedded file named `name`, or None when there is none; raises PdfUnreadable."""
    with _open(data) as pdf:
        try:
            attached = pdf.attachments
            if name not in attached:
                return None
            stream = attached[name].get_file().obj
        except PdfUnreadable:
            raise
        except Exception as error:
            raise PdfUnreadable("attachment_unreadable", type(error).__name__) from error
        return b"".join(_decoded_chunks(stream, max_bytes))


def attachment_digests(data: bytes, *, max_total_bytes: int = 4 * 1024 * 1024 * 1024) -> dict[str, str]:
    """The SHA-256 (hex) of every embedded file, by name, computed as the files decode, never holding one
    whole; at most `max_total_bytes` decoded in all. Raises PdfUnreadable."""
    digests: dict[str, str] = {}
    budget = max_total_bytes
    with _open(data) as pdf:
        try:
            items = [(str(name), spec.get_file().obj) for name, spec in pdf.attachments.items()]
        except Exception as error:
            raise PdfUnreadable("attachment_unreadable", type(error).__name__) from error
        for name, stream in items:
            digest = hashlib.sha256()
            for chunk in _decoded_chunks(stream, budget):
                budget -= len(chunk)
                digest.update(chunk)
            digests[name] = digest.hexdigest()
    return digests


def _decoded_chunks(stream: pikepdf.Stream, max_bytes: int) -> Iterator[bytes]:
    """The stream's decoded bytes in chunks; Flate is inflated step by step, so a compression bomb stops at
    `max_bytes` instead of filling memory."""
    try:
        filters = stream.get("/Filter")
        filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
        plain_flate = filters == [pikepdf.Name.FlateDecode] and "/DecodeParms" not in stream
        if filters and not plain_flate:
            decoded = stream.read_bytes()  # other filters are rare in embedded files: decode whole
            if len(decoded) > max_bytes:
                raise PdfUnreadable("attachment_too_large")
            yield decoded
            return
        raw = stream.read_raw_bytes()
    except PdfUnreadable:
        raise
    except Exception as error:
        raise PdfUnreadable("attachment_unreadable", type(error).__name__) from error
    if not plain_flate:
        if len(raw) > max_bytes:
            raise PdfUnreadable("attachment_too_large")
        yield raw
        return
    inflater = zlib.decompressobj()
    produced = 0
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _CHUNK):
            pending = view[start : start + _CHUNK]
            while pending:
                chunk = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(chunk)
                if produced > max_bytes:
                    raise PdfUnreadable("attachment_too_large")
                if chunk:
                    yield chunk
                if inflater.eof:
                    return
        tail = inflater.flush()
    except zlib.error as error:
        raise PdfUnreadable("attachment_unreadable", "zlib") from error
    produced += len(tail)
    if produced > max_bytes:
        raise PdfUnreadable("attachment_too_large")
    if tail:
        yield tail
