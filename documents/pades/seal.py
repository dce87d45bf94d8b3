"""The platform's seal on the packet filed with the council (docs/law.md §The packet): `seal_pdf` makes it,
`validate_seal` checks it for anyone who uploads a packet."""

import dataclasses
import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents import seal_key
from documents.bounded_reader import DecodeBudget
from documents.pades.reading import (
    evaluating,
    is_qualified,
    issuer_name,
    logger,
    open_signed_pdf,
    quiet_pyhanko_loggers,
    signing_time,
    trust_roots_from_pem,
)
from documents.pades.validation import CertificateSubject, certificate_subject, trust_anchor_sha256

SEAL_FIELD = "PieczecPlatformy"
SEAL_REASON = "Pieczęć platformy inicjatyw uchwałodawczych"
SEAL_LOCATION = "Polska"
TSA_TIMEOUT_SECONDS = 30
# After the seal: a committee representative's signature (docs/law.md §The packet) and its validation data,
# and a document timestamp with its own. More is not a packet anyone we know of would make, and diffing many
# revisions of a hostile upload would cost seconds.
MAX_REVISIONS_AFTER_SEAL = 4


class SealFailed(Exception):
    """The seal could not be made: the timestamp authority did not answer, or pyHanko refused."""


@dataclasses.dataclass(frozen=True)
class LaterSignature:
    """A signature added after the platform's seal, such as a committee representative's qualified one.

    `signer` names a person: for matching them to the committee (initiative.filing.signed_filing), never
    for a log, an answer or the packet check's report, which keep only the issuer (a CA).
    """

    intact: bool
    valid: bool
    trusted: bool  # against SIGNATURE_TRUST_ROOTS, the roots trusted for people's electronic signatures
    qualified: bool
    issuer: str
    signing_time: datetime.datetime | None
    signer: CertificateSubject = dataclasses.field(default_factory=CertificateSubject, repr=False)
    trust_anchor_sha256: str = ""  # where its chain ended (documents.pades.validation.trust_anchor_sha256)


@dataclasses.dataclass(frozen=True)
class SealValidation:
    """What the first signature of a packet, the platform's seal, proves."""

    intact: bool  # the sealed bytes are unchanged
    valid: bool  # the seal, and its timestamp if any, are cryptographically sound
    trusted: bool  # the seal (and its timestamp) chain to seal_trust_roots_pem()
    # Nothing after the seal but later signatures (at most form filling: a signature field and its value),
    # their validation data and document timestamps.
    covers_whole_document: bool
    certified: bool  # a certification signature (DocMDP) that allows only signing after it
    timestamped: bool
    signing_time: datetime.datetime | None  # the timestamp's time if there is one, else the seal's claim
    sealed_by: str  # the seal certificate's subject (an organisation); empty unless trusted
    issuer: str
    revocation_data: bool  # the file carries CRLs or OCSP responses (a DSS)
    later_signatures: tuple[LaterSignature, ...]
    signed_revision: int
    revisions: int
    summary: str

    @property
    def accepted(self) -> bool:
        later_ok = all(later.intact and later.valid for later in self.later_signatures)
        return self.intact and self.valid and self.trusted and self.covers_whole_document and later_ok


def seal_pdf(data: bytes) -> bytes:
    """Seal the whole document with the platform's key (PAdES), as a new revision.

    B-B always; B-T when TSA_URL is set (a timestamp authority that does not answer is a `SealFailed`: the
    settings promise a timestamp, so no seal goes out without one). B-LT when the seal's certificates name
    a CRL or OCSP responder and the answers can be had: the revocation data (DSS) then go into the
    signature's own revision, not a later one (LIBRARIES.md: a DSS in a later revision makes validating a
    large packet diff every object, tens of seconds). When they cannot be had, because the development
    seal names no responder or the CA does not answer, the document is sealed without them rather than not
    at all; a validator can still fetch them while the certificate is valid.

    The seal is a certification signature that allows filling in forms only, which covers signing: a
    committee representative may add a qualified signature after it (docs/law.md §The packet), and any other
    change shows. Raises ImproperlyConfigured when there is no usable key.
    """
    quiet_pyhanko_loggers()
    key = seal_key.seal_key()
    signer = _seal_signer(key)
    timestamper = HTTPTimeStamper(settings.TSA_URL, timeout=TSA_TIMEOUT_SECONDS) if settings.TSA_URL else None
    context = _revocation_context(signer)
    try:
        if context is not None:
            try:
                return _seal(data, signer, timestamper, context)
            except TimestampRequestError:
                raise
            except Exception as error:  # revocation data could not be had: fetch failures come in many kinds
                logger.warning("packet sealed without revocation data (%s)", type(error).__name__)
        return _seal(data, signer, timestamper, None)
    except TimestampRequestError as error:
        raise SealFailed(f"the timestamp authority did not answer: {type(error).__name__}") from error
    except SigningError as error:
        raise SealFailed(str(error)) from error


def seal_trust_roots_pem() -> bytes:
    """The roots a packet's seal is checked against: the SEAL_TRUST_ROOTS file if set (it should also hold
    the timestamp authority's root), else the root of the platform's own seal chain."""
    if settings.SEAL_TRUST_ROOTS:
        try:
            return Path(settings.SEAL_TRUST_ROOTS).read_bytes()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SEAL_TRUST_ROOTS cannot be read ({error.strerror or type(error).__name__})"
            ) from error
    return seal_key.seal_root_pem()


def _seal_signer(key: seal_key.SealKey) -> signers.SimpleSigner:
    try:
        return signers.SimpleSigner.load_pkcs12_data(key.pkcs12, other_certs=[], passphrase=key.password)
    except Exception as error:  # a wrong password or a damaged file: the library raises several kinds
        raise ImproperlyConfigured(
            f"SEAL_P12_FILE cannot be opened with SEAL_P12_PASSWORD ({type(error).__name__})"
        ) from error


def _revocation_context(signer: signers.SimpleSigner) -> ValidationContext | None:
    """A context that fetches the seal chain's revocation data, or None when no certificate names a source."""
    certificates = [signer.signing_cert, *signer.cert_registry]
    if not any(cert.crl_distribution_points or cert.ocsp_urls for cert in certificates):
        return None
    return ValidationContext(
        trust_roots=trust_roots_from_pem(seal_trust_roots_pem()),
        other_certs=list(signer.cert_registry),
        allow_fetching=True,
        revocation_mode="hard-fail",  # embed complete data or none: a partial DSS is not B-LT
    )


def _seal(data: bytes, signer, timestamper, context: ValidationContext | None) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        reason=SEAL_REASON,
        location=SEAL_LOCATION,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        embed_validation_info=context is not None,
        validation_context=context,
        signer_key_usage=set(),  # checked by the CA that issued the seal, not second-guessed here
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    output = signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(writer)
    return output.getvalue()


def validate_seal(
    data: bytes, *, budget: DecodeBudget | None = None, signature_roots_pem: bytes | None = None
) -> SealValidation:
    """Validate the platform's seal: the first signature of the file, against seal_trust_roots_pem(),
    decoding under `budget` (documents.bounded_reader; one for the file's size when none is given). Nothing
    is fetched: the seal is checked with what the file and the roots hold.

    Later signatures are allowed when they only sign (a representative's qualified signature); they are
    checked for integrity and reported, trusted or not against `signature_roots_pem` (the roots trusted for
    people's signatures, signatures.trust; SIGNATURE_TRUST_ROOTS alone when not given). Raises `PdfRejected`
    ("not_pdf", "encrypted", "over_budget", "unsigned", "unreadable_signature") when the file cannot be
    checked at all.
    """
    quiet_pyhanko_loggers()
    roots = trust_roots_from_pem(seal_trust_roots_pem())
    reader, signatures = open_signed_pdf(data, oldest_first=True, budget=budget)
    with evaluating("packet seal"):
        return _validate_seal(reader, signatures, roots, signature_roots_pem)


def _validate_seal(
    reader, signatures: list, roots: list, signature_roots_pem: bytes | None
) -> SealValidation:
    seal, later = signatures[0], signatures[1:]
    revisions = reader.xrefs.total_revisions
    coverage = seal.evaluate_signature_coverage()
    after = revisions - 1 - seal.signed_revision
    needs_diff = coverage == SignatureCoverageLevel.ENTIRE_REVISION and after <= MAX_REVISIONS_AFTER_SEAL
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(seal, context, skip_diff=not needs_diff)

    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        whole = True
    elif needs_diff:
        allowed = ModificationLevel.FORM_FILLING if later else ModificationLevel.LTA_UPDATES
        level = status.modification_level
        whole = level is not None and level <= allowed and status.docmdp_ok is not False
    else:
        whole = False

    timestamp = status.timestamp_validity
    certificate = status.signing_cert
    trusted = bool(status.trusted) and (timestamp is None or bool(timestamp.trusted))
    later_roots = (
        trust_roots_from_pem(
            _signature_trust_roots_pem() if signature_roots_pem is None else signature_roots_pem
        )
        if later
        else []
    )
    validation = {
        "intact": bool(status.intact),
        "valid": _sound(status),
        "trusted": trusted,
        "covers_whole_document": whole,
        "certified": _is_certification(reader, seal),
        "timestamped": timestamp is not None,
        "signing_time": signing_time(status),
        "sealed_by": issuer_name(certificate.subject) if trusted else "",
        "issuer": issuer_name(certificate.issuer),
        "revocation_data": _has_revocation_data(reader),
        "later_signatures": tuple(_later_signature(embedded, later_roots) for embedded in later),
        "signed_revision": seal.signed_revision,
        "revisions": revisions,
    }
    return SealValidation(**validation, summary=_seal_summary(validation))


def _sound(status) -> bool:
    """The signature, and its timestamp if it has one, are cryptographically sound."""
    timestamp = status.timestamp_validity
    return bool(status.valid) and (timestamp is None or bool(timestamp.intact and timestamp.valid))


def _is_certification(reader, seal) -> bool:
    """The seal is the document's certification signature: the catalog's /Perms /DocMDP points at it."""
    try:
        perms = reader.root.get("/Perms")
        docmdp = perms.get("/DocMDP") if perms is not None else None
        return docmdp is not None and docmdp.get_object() == seal.sig_object
    except (KeyError, AttributeError, PdfError):
        return False


def _has_revocation_data(reader) -> bool:
    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return False
        dss = dss.get_object()
        return bool(dss.get("/CRLs") or dss.get("/OCSPs"))
    except (KeyError, AttributeError, PdfError):
        return False


def _later_signature(embedded, roots: list) -> LaterSignature:
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, context, skip_diff=True)  # the seal's diff covers the revision
    covered = embedded.evaluate_signature_coverage() >= SignatureCoverageLevel.ENTIRE_REVISION
    return LaterSignature(
        intact=bool(status.intact) and covered,
        valid=_sound(status),
        trusted=bool(status.trusted),
        qualified=is_qualified(status.signing_cert),
        issuer=issuer_name(status.signing_cert.issuer),
        signing_time=signing_time(status),
        signer=certificate_subject(status.signing_cert.subject),
        trust_anchor_sha256=trust_anchor_sha256(status),
    )


def _signature_trust_roots_pem() -> bytes:
    """SIGNATURE_TRUST_ROOTS, the roots trusted for people's electronic signatures; none when unset."""
    path = settings.SIGNATURE_TRUST_ROOTS
    if not path:
        return b""
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _seal_summary(v: dict) -> str:
    parts = [
        "seal",
        "intact" if v["intact"] else "NOT INTACT",
        "valid" if v["valid"] else "NOT VALID",
        "trusted" if v["trusted"] else "NOT TRUSTED",
        "whole document" if v["covers_whole_document"] else "NOT WHOLE DOCUMENT",
        "timestamped" if v["timestamped"] else "no timestamp",
        "revocation data" if v["revocation_data"] else "no revocation data",
        f"{len(v['later_signatures'])} later signature(s)",
    ]
    if v["signing_time"] is not None:
        parts.append(f"sealed {v['signing_time'].isoformat()}")
    parts.append(f"issuer: {v['issuer']}")
    return "; ".join(parts)
