"""The one module that talks to pikepdf: put rendered PDFs together, attach files, count pages.

The packet (docs/law.md §The packet) is rendered by Typst in parts (one Typst render of a few thousand rows at
a time keeps memory flat) and assembled here into one PDF/A-3b file: the pages of every part in order, under
the first part's catalog, so its XMP metadata, output intent and document information, which make the PDF/A
identification, carry over. Files that belong with the packet (paper sheets' scans, e-signature evidence, the
integrity appendix as JSON) are embedded as PDF/A-3 associated files (ISO 19005-3 §6.8): listed in the
catalog's /AF and in the /EmbeddedFiles name tree, each with its relationship, MIME type, size and date.

Only the platform's own files come here (Typst's output, the parts of a packet). An uploaded file never
does: qpdf decodes object streams and filter chains whole, so a 1 MB upload could fill gigabytes. Uploads
are read by documents.pades (pyHanko's strict reader) under documents.bounded_reader's budget.
"""

import dataclasses
import datetime
import io
from collections.abc import Iterable, Sequence

import pikepdf

# ISO 32000-2 §7.11.3 (table 43): the values of /AFRelationship.
RELATIONSHIPS = frozenset(
    {"Source", "Data", "Alternative", "Supplement", "EncryptedPayload", "FormData", "Schema", "Unspecified"}
)


class PdfUnreadable(Exception):
    """The bytes are not a PDF pikepdf can read. `reason` is a code: "not_pdf"."""

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
