"""The one package that talks to pyHanko: PAdES signatures in PDF files (docs/law.md §Forms of support,
§The packet).

Three uses: validation of a signature someone else made (a supporter's qualified signature or podpis
osobisty on the support statement; `validation`); the platform's own seal on the packet filed with the
council (docs/law.md §The packet; `seal`): `seal_pdf` makes it, `validate_seal` checks it for anyone who
uploads a packet; and reading the files embedded in such an upload (`attachments`). What they share (reading
an untrusted file, pyHanko's logging, the names on certificates) is in `reading`.

Uploaded files are untrusted input: the reader is strict, everything it decodes counts against the
request's budget (documents.bounded_reader), nothing is fetched for a certificate that does not already
lead to a trusted root, and then only from public hosts (`fetching`); whatever a broken file makes pyHanko
raise comes out as one `PdfRejected` with a reason code, never as a crash. A file that is a well-formed
signed PDF always gives a `PdfValidation`, good or bad; the caller decides what it needs (intact, valid,
trusted, the whole document covered).
"""

from documents.pades.attachments import attachment_digests, read_attachment
from documents.pades.reading import (
    QC_COMPLIANCE,
    QC_STATEMENTS_EXTENSION,
    PdfRejected,
    trust_roots_from_pem,
)
from documents.pades.seal import (
    MAX_REVISIONS_AFTER_SEAL,
    SEAL_FIELD,
    SEAL_LOCATION,
    SEAL_REASON,
    TSA_TIMEOUT_SECONDS,
    LaterSignature,
    SealFailed,
    SealValidation,
    seal_pdf,
    seal_trust_roots_pem,
    validate_seal,
)
from documents.pades.validation import (
    MAX_LATER_REVISIONS,
    CertificateSubject,
    PdfValidation,
    validate_pdf,
)

__all__ = [
    "MAX_LATER_REVISIONS",
    "MAX_REVISIONS_AFTER_SEAL",
    "QC_COMPLIANCE",
    "QC_STATEMENTS_EXTENSION",
    "SEAL_FIELD",
    "SEAL_LOCATION",
    "SEAL_REASON",
    "TSA_TIMEOUT_SECONDS",
    "CertificateSubject",
    "LaterSignature",
    "PdfRejected",
    "PdfValidation",
    "SealFailed",
    "SealValidation",
    "attachment_digests",
    "read_attachment",
    "seal_pdf",
    "seal_trust_roots_pem",
    "trust_roots_from_pem",
    "validate_pdf",
    "validate_seal",
]
