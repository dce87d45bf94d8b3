"""Validation of a signature someone else made on a PDF: a supporter's qualified signature or podpis
osobisty on the support statement (docs/law.md §Forms of support)."""

import dataclasses
import datetime
import hashlib

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.bounded_reader import DecodeBudget
from documents.pades.fetching import GuardedFetcherBackend
from documents.pades.reading import (
    PdfRejected,
    evaluating,
    is_qualified,
    issuer_name,
    name_parts,
    open_signed_pdf,
    quiet_pyhanko_loggers,
    signing_time,
    trust_roots_from_pem,
)

# Updates after the signature that are checked object by object only when there are few of them: a
# document timestamp and its validation data (PAdES B-LTA) make two. More is not a statement we issued, and
# diffing many revisions of a hostile file would cost seconds.
MAX_LATER_REVISIONS = 2


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
    # SHA-256 of the certificate the chain ended in (a root, or a CA from a trusted list); "" if untrusted.
    trust_anchor_sha256: str
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


def validate_pdf(
    data: bytes, *, trust_roots_pem: bytes, fetch_revocation: bool = False, budget: DecodeBudget | None = None
) -> PdfValidation:
    """Validate the (single) signature of a PDF against the given trust roots, decoding under `budget`
    (documents.bounded_reader; one for the file's size when none is given).

    `fetch_revocation` lets the validator ask the CA's OCSP responder or CRL over the network (soft-fail:
    an unreachable responder is not a refusal, a revoked certificate is), and only once the signer's chain
    ends in one of the roots without fetching anything, through `fetching` (public hosts only, short
    timeouts). Raises `PdfRejected`.
    """
    quiet_pyhanko_loggers()
    roots = trust_roots_from_pem(trust_roots_pem)
    reader, signatures = open_signed_pdf(data, budget=budget)
    if len(signatures) > 1:
        raise PdfRejected("several_signatures", str(len(signatures)))
    with evaluating("PDF signature"):
        return _validate(reader, signatures[0], data, roots, fetch_revocation)


def _validate(reader, embedded, data: bytes, roots: list, fetch_revocation: bool) -> PdfValidation:
    revisions = reader.xrefs.total_revisions
    coverage = embedded.evaluate_signature_coverage()
    later_revisions = revisions - 1 - embedded.signed_revision
    # Diffing is needed only to accept harmless later revisions (validation data, document timestamps);
    # anything else fails `covers_whole_document` without it.
    needs_diff = coverage == SignatureCoverageLevel.ENTIRE_REVISION and later_revisions <= MAX_LATER_REVISIONS
    offline = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, offline, skip_diff=not needs_diff)
    trusted = bool(status.trusted)
    if fetch_revocation and trusted:
        # The chain ends in a root without the network: now, and only now, ask its CA whether the
        # certificate was revoked. The diff is the first pass's: nothing in the file has changed.
        online = ValidationContext(
            trust_roots=roots,
            allow_fetching=True,
            fetcher_backend=GuardedFetcherBackend(),
            revocation_mode="soft-fail",
        )
        trusted = bool(validate_pdf_signature(embedded, online, skip_diff=True).trusted)

    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        whole = True
    elif needs_diff:
        level = status.modification_level
        whole = level is not None and level <= ModificationLevel.LTA_UPDATES
    else:
        whole = False

    timestamp = status.timestamp_validity
    timestamp_ok = timestamp is None or (timestamp.intact and timestamp.valid and timestamp.trusted)
    certificate = status.signing_cert
    signer = certificate_subject(certificate.subject)
    issuer = issuer_name(certificate.issuer)
    qualified = is_qualified(certificate)
    original_revision = max(embedded.signed_revision - 1, 0)
    original_info = _document_info(reader, original_revision)
    original_bytes = (
        _revision_bytes(reader, data, original_revision) if embedded.signed_revision > 0 else None
    )

    validation = {
        "intact": bool(status.intact),
        "valid": bool(status.valid) and timestamp_ok,
        "trusted": trusted,
        "covers_whole_document": whole,
        "signing_time": signing_time(status),
        "timestamped": timestamp is not None,
        "signer": signer,
        "issuer": issuer,
        "qualified": qualified,
        "certificate_sha256": hashlib.sha256(certificate.dump()).hexdigest(),
        "trust_anchor_sha256": trust_anchor_sha256(status),
        "signed_revision": embedded.signed_revision,
        "revisions": revisions,
        "original_info": original_info,
        "original_bytes": original_bytes,
    }
    return PdfValidation(**validation, summary=_summary(validation, coverage))


def trust_anchor_sha256(status) -> str:
    """The SHA-256 of the certificate the signer's chain ended in, "" when it ended in none."""
    path = getattr(status, "validation_path", None)
    if not status.trusted or path is None:
        return ""
    return hashlib.sha256(path[0].dump()).hexdigest()


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


def certificate_subject(name) -> CertificateSubject:
    attributes = name_parts(name)
    return CertificateSubject(
        common_name=attributes.get("common_name", ""),
        given_name=attributes.get("given_name", ""),
        surname=attributes.get("surname", ""),
        serial_number=attributes.get("serial_number", ""),
        country=attributes.get("country_name", ""),
        organization=attributes.get("organization_name", ""),
    )


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
