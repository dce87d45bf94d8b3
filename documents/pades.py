"""The one module that talks to pyHanko: PAdES signatures in PDF files (DESIGN.md §4, §5).

Now: validation of a signature someone else made (a supporter's qualified signature or podpis osobisty on
the support statement). The platform's own seal on the packet comes later, in this module too.

Uploaded files are untrusted input: the reader is strict and keeps pyHanko's decoding limits for untrusted
documents, and whatever a broken file makes pyHanko raise comes out as one `PdfRejected` with a reason code,
never as a crash. A file that is a well-formed signed PDF always gives a `PdfValidation`, good or bad; the
caller decides what it needs (intact, valid, trusted, the whole document covered).
"""

import dataclasses
import datetime
import hashlib
import io
import logging

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)


class _WithoutCertificateDetails(logging.Filter):
    """pyHanko's own warnings quote certificate subjects, and a natural person's subject carries their name
    and PESEL (PNOPL-…), which must never reach a log (DESIGN.md §7). Keep the level, the logger and the
    exception's type; drop the text and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        kind = record.exc_info[1].__class__.__name__ if record.exc_info and record.exc_info[1] else ""
        record.msg = "pyHanko reported a problem (details withheld: they may name a signer)" + (
            f": {kind}" if kind else ""
        )
        record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        return True


_FILTER = _WithoutCertificateDetails()


def _quiet_pyhanko_loggers() -> None:
    """Filter every pyHanko logger there is (a filter on a logger does not cover its children's records)."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in {"pyhanko", "pyhanko_certvalidator"}:
            target = logging.getLogger(name)
            if _FILTER not in target.filters:
                target.addFilter(_FILTER)


# Updates after the signature that are checked object by object only when there are few of them: a
# document timestamp and its validation data (PAdES B-LTA) make two. More is not a statement we issued, and
# diffing many revisions of a hostile file would cost seconds.
MAX_LATER_REVISIONS = 2
# ETSI EN 319 412-5: the QcCompliance statement of an EU qualified certificate.
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_STATEMENTS_EXTENSION = "1.3.6.1.5.5.7.1.3"


class PdfRejected(Exception):
    """The file cannot be checked at all. `reason` is a code for the caller's message:

    "not_pdf" (not a readable PDF, or damaged), "encrypted", "unsigned", "several_signatures",
    "unreadable_signature" (a signature is there but not one pyHanko can read or evaluate).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclasses.dataclass(frozen=True)
class CertificateSubject:
    """Attributes of a certificate's subject (X.520 names); empty where the certificate has none."""

    common_name: str = ""
    given_name: str = ""
    surname: str = ""
    serial_number: str = ""  # the serialNumber attribute, e.g. "PNOPL-44051401458" (ETSI EN 319 412-1)
    country: str = ""
    organization: str = ""


@dataclasses.dataclass(frozen=True)
class PdfValidation:
    """What a signature on a PDF proves.

    `signer` holds personal data (a natural person's certificate): keep it out of logs and evidence;
    `summary` and `issuer` do not.
    """

    intact: bool  # the signed bytes are unchanged (the digest matches)
    valid: bool  # the signature is cryptographically sound (and so is its timestamp, if any)
    trusted: bool  # the signer's certificate chains to one of the trust roots and was good when checked
    covers_whole_document: bool  # nothing after the signature but, at most, validation data and timestamps
    signing_time: datetime.datetime | None  # the timestamp's time if there is one, else the signer's claim
    timestamped: bool
    signer: CertificateSubject
    issuer: str  # the issuing CA's name: organisation-level, no personal data
    qualified: bool  # the certificate declares itself EU-qualified (QcCompliance)
    certificate_sha256: str
    signed_revision: int  # 0 for the oldest revision of the file
    revisions: int
    # The document information (/Title, /Keywords, …) and the bytes of the document as it stood before the
    # signature was added. When the signing application wrote the whole file anew (the signature is in the
    # first revision) there is no earlier document: the signed revision's information is given and the bytes
    # are None.
    original_info: dict[str, str]
    original_bytes: bytes | None
    summary: str

    @property
    def accepted(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_document


def trust_roots_from_pem(trust_roots_pem: bytes) -> list:
    """The certificates of a PEM (or DER) bundle; an empty one trusts nothing, an unreadable one raises
    ValueError (a configuration mistake, not the uploaded file's)."""
    if not trust_roots_pem or not trust_roots_pem.strip():
        return []
    try:
        return list(load_certs_from_pemder_data(trust_roots_pem))
    except (ValueError, TypeError) as error:
        raise ValueError(f"the trust roots are not a PEM or DER certificate bundle: {error}") from error


def validate_pdf(data: bytes, *, trust_roots_pem: bytes, fetch_revocation: bool = False) -> PdfValidation:
    """Validate the (single) signature of a PDF against the given trust roots.

    `fetch_revocation` lets the validator ask the CA's OCSP responder or CRL over the network (soft-fail:
    an unreachable responder is not a refusal, a revoked certificate is). Raises `PdfRejected`.
    """
    _quiet_pyhanko_loggers()
    roots = trust_roots_from_pem(trust_roots_pem)
    if b"%PDF-" not in data[:1024]:  # the header may follow some bytes of junk (ISO 32000-1 annex H)
        raise PdfRejected("not_pdf", "no PDF header")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        encrypted = reader.encrypted
    except Exception as error:  # a damaged file makes the parser raise many kinds, not only PdfError
        raise PdfRejected("not_pdf", type(error).__name__) from error
    if encrypted:
        raise PdfRejected("encrypted")
    try:
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # a damaged form tree or signature object: pyHanko raises many kinds
        raise PdfRejected("unreadable_signature", type(error).__name__) from error
    if not signatures:
        raise PdfRejected("unsigned")
    if len(signatures) > 1:
        raise PdfRejected("several_signatures", str(len(signatures)))
    embedded = signatures[0]
    try:
        return _validate(reader, embedded, data, roots, fetch_revocation)
    except PdfRejected:
        raise
    except Exception as error:  # pyHanko and asn1crypto raise many kinds on hostile input
        logger.info("PDF signature could not be evaluated: %s", type(error).__name__)
        raise PdfRejected("unreadable_signature", type(error).__name__) from error


def _validate(reader, embedded, data: bytes, roots: list, fetch_revocation: bool) -> PdfValidation:
    revisions = reader.xrefs.total_revisions
    coverage = embedded.evaluate_signature_coverage()
    later_revisions = revisions - 1 - embedded.signed_revision
    # Diffing is needed only to accept harmless later revisions (validation data, document timestamps);
    # anything else fails `covers_whole_document` without it.
    needs_diff = coverage == SignatureCoverageLevel.ENTIRE_REVISION and later_revisions <= MAX_LATER_REVISIONS
    context = ValidationContext(
        trust_roots=roots, allow_fetching=fetch_revocation, revocation_mode="soft-fail"
    )
    status = validate_pdf_signature(embedded, context, skip_diff=not needs_diff)

    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        whole = True
    elif needs_diff:
        level = status.modification_level
        whole = level is not None and level <= ModificationLevel.LTA_UPDATES
    else:
        whole = False

    timestamp = status.timestamp_validity
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.valid and timestamp.trusted)
    signing_time = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    certificate = status.signing_cert
    signer = _subject(certificate.subject)
    issuer = _issuer_name(certificate.issuer)
    qualified = _is_qualified(certificate)
    original_revision = max(embedded.signed_revision - 1, 0)
    original_info = _document_info(reader, original_revision)
    original_bytes = (
        _revision_bytes(reader, data, original_revision) if embedded.signed_revision > 0 else None
    )

    validation = {
        "intact": bool(status.intact),
        "valid": bool(status.valid) and timestamp_ok,
        "trusted": bool(status.trusted),
        "covers_whole_document": whole,
        "signing_time": signing_time,
        "timestamped": timestamp is not None,
        "signer": signer,
        "issuer": issuer,
        "qualified": qualified,
        "certificate_sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "signed_revision": embedded.signed_revision,
        "revisions": revisions,
        "original_info": original_info,
        "original_bytes": original_bytes,
    }
    return PdfValidation(**validation, summary=_summary(validation, coverage))


def _summary(v: dict, coverage) -> str:
    parts = [
        "PAdES",
        "intact" if v["intact"] else "NOT INTACT",
        "valid" if v["valid"] else "NOT VALID",
        "trusted" if v["trusted"] else "NOT TRUSTED",
        "whole document" if v["covers_whole_document"] else f"NOT WHOLE DOCUMENT ({coverage.name})",
        "qualified certificate" if v["qualified"] else "certificate not declared qualified",
        "timestamped" if v["timestamped"] else "no timestamp",
    ]
    if v["signing_time"] is not None:
        parts.append(f"signed {v['signing_time'].isoformat()}")
    parts.append(f"issuer: {v['issuer']}")
    return "; ".join(parts)


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(part) for part in value)
    return "" if value is None else str(value)


def _subject(name: asn1_x509.Name) -> CertificateSubject:
    attributes = name.native if isinstance(name.native, dict) else {}
    return CertificateSubject(
        common_name=_text(attributes.get("common_name")),
        given_name=_text(attributes.get("given_name")),
        surname=_text(attributes.get("surname")),
        serial_number=_text(attributes.get("serial_number")),
        country=_text(attributes.get("country_name")),
        organization=_text(attributes.get("organization_name")),
    )


def _issuer_name(name: asn1_x509.Name) -> str:
    attributes = name.native if isinstance(name.native, dict) else {}
    parts = [_text(attributes.get(key)) for key in ("common_name", "organization_name", "country_name")]
    return ", ".join(part for part in parts if part)


class _QcStatement(core.Sequence):
    _fields = [("statement_id", core.ObjectIdentifier), ("statement_info", core.Any, {"optional": True})]


class _QcStatements(core.SequenceOf):
    _child_spec = _QcStatement


def _is_qualified(certificate: asn1_x509.Certificate) -> bool:
    for extension in certificate["tbs_certificate"]["extensions"]:
        if extension["extn_id"].dotted != QC_STATEMENTS_EXTENSION:
            continue
        try:
            statements = _QcStatements.load(extension["extn_value"].contents)
            return any(statement["statement_id"].dotted == QC_COMPLIANCE for statement in statements)
        except ValueError:
            return False
    return False


def _document_info(reader, revision: int) -> dict[str, str]:
    """The document information dictionary as it stood at `revision` (later updates may have replaced it)."""
    resolver = reader.get_historical_resolver(revision)
    try:
        info = resolver.trailer_view.raw_get("/Info")
        if isinstance(info, generic.IndirectObject):
            info = resolver.get_object(info.reference)
    except (KeyError, PdfError):
        return {}
    if not isinstance(info, generic.DictionaryObject):
        return {}
    result = {}
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer"):
        value = info.get(key)
        if isinstance(value, generic.TextStringObject):
            result[key.lstrip("/")] = str(value)
        elif isinstance(value, generic.ByteStringObject):
            result[key.lstrip("/")] = bytes(value).decode("latin-1")
    return result


def _revision_bytes(reader, data: bytes, revision: int) -> bytes | None:
    """The file as it was at the end of `revision`: up to the %%EOF after that revision's xref section."""
    end = reader.xrefs.get_xref_container_info(revision).end_location
    marker = data.find(b"%%EOF", end)
    if marker < 0:
        return None
    stop = marker + len(b"%%EOF")
    while stop < len(data) and data[stop : stop + 1] in (b"\r", b"\n"):
        stop += 1
    return data[:stop]


# The platform's seal on the packet belongs here too, when filing is built: PAdES B-LT with the validation
# data (DSS) placed in the signature's own revision, since a DSS in a later revision makes validation diff
# every object of a large document.
