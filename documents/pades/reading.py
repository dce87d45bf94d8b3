"""What validating a signature and the platform's seal share: opening an untrusted PDF under the request's
decoding budget, mapping whatever pyHanko raises on it to `PdfRejected`, keeping pyHanko's logging free of
personal data, and reading the names and the qualified status of a certificate."""

import contextlib
import io
import logging

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.decode_limits import DecodeContext, DecodeLimits, StreamDecodeLimits
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.bounded_reader import DecodeBudget, DecodeRefused, upload_budget

# One logger for the whole package, named as it was when the package was one module.
logger = logging.getLogger("documents.pades")

# ETSI EN 319 412-5: the QcCompliance statement of an EU qualified certificate.
QC_COMPLIANCE = "0.4.0.1862.1.1"
QC_STATEMENTS_EXTENSION = "1.3.6.1.5.5.7.1.3"


class _WithoutCertificateDetails(logging.Filter):
    """pyHanko's own warnings quote certificate subjects, and a natural person's subject carries their name
    and PESEL (PNOPL-…), which must never reach a log (docs/law.md §Personal data). Keep the level, the logger
    and the exception's type; drop the text and the traceback. Below WARNING pyHanko only narrates its work
    ("Retrieving CRLs for <subject>…" on every seal): those records are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        kind = record.exc_info[1].__class__.__name__ if record.exc_info and record.exc_info[1] else ""
        record.msg = "pyHanko reported a problem (details withheld: they may name a signer)" + (
            f": {kind}" if kind else ""
        )
        record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        return True


_FILTER = _WithoutCertificateDetails()


def quiet_pyhanko_loggers() -> None:
    """Filter every pyHanko logger there is (a filter on a logger does not cover its children's records)."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in {"pyhanko", "pyhanko_certvalidator"}:
            target = logging.getLogger(name)
            if _FILTER not in target.filters:
                target.addFilter(_FILTER)


class PdfRejected(Exception):
    """The file cannot be checked at all. `reason` is a code for the caller's message:

    "not_pdf" (not a readable PDF, or damaged), "encrypted", "unsigned", "several_signatures",
    "unreadable_signature" (a signature is there but not one pyHanko can read or evaluate), "over_budget"
    (reading it would decode more than the request's budget allows: a compression bomb).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def trust_roots_from_pem(trust_roots_pem: bytes) -> list:
    """The certificates of a PEM (or DER) bundle; an empty one trusts nothing, an unreadable one raises
    ValueError (a configuration mistake, not the uploaded file's)."""
    if not trust_roots_pem or not trust_roots_pem.strip():
        return []
    try:
        return list(load_certs_from_pemder_data(trust_roots_pem))
    except (ValueError, TypeError) as error:
        raise ValueError(f"the trust roots are not a PEM or DER certificate bundle: {error}") from error


class _RequestDecodeContext(DecodeContext):
    """pyHanko's stream decoding charged to the request's `DecodeBudget`, as bytes held in memory (pyHanko
    keeps what it decodes while the file is open). The resolvers of earlier revisions, which pyHanko gives a
    fresh document budget each, share this one: a file of many revisions cannot multiply it."""

    def __init__(self, limits: DecodeLimits, budget: DecodeBudget):
        super().__init__(limits, input_size=None)
        self._budget = budget

    @property
    def remaining_budget(self) -> int:
        return self._budget.held_remaining

    def fresh(self) -> "_RequestDecodeContext":
        return self

    def stage_output_cap(self, stream_cap: int | None) -> int:
        remaining = min(self._budget.held_remaining, self._budget.remaining)
        return remaining if stream_cap is None else min(stream_cap, remaining)

    def record_output(self, size: int) -> None:
        self._budget.charge(size, held=True)


class _BudgetedReader(PdfFileReader):
    """A strict pyHanko reader whose every decoded byte, from the cross-reference streams on, is charged to
    the request's budget; each stream at most `budget.step` (and pyHanko's own tighter limits per purpose:
    object streams, metadata, certificates)."""

    def __init__(self, stream, *, budget: DecodeBudget, strict: bool = True):
        limits = DecodeLimits(
            per_stream=StreamDecodeLimits(max_output_size=budget.step), document_budget=None
        )
        self._request_context = _RequestDecodeContext(limits, budget)
        super().__init__(stream, strict=strict, decode_limits=limits)

    @property
    def decode_context(self) -> DecodeContext:
        return self._request_context


def over_budget(error: BaseException) -> bool:
    """The error, or one it was raised from, is a decoding limit's."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, PdfDecodeLimitError | DecodeRefused):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def open_pdf(data: bytes, *, budget: DecodeBudget | None = None, strict: bool = True) -> PdfFileReader:
    """A reader over untrusted bytes, strict unless said (a scanner's PDF need not be as tidy as a signed
    one), decoding under `budget` (a fresh one for the file's size when none is given). Raises
    `PdfRejected` ("not_pdf", "encrypted", "over_budget")."""
    if b"%PDF-" not in data[:1024]:  # the header may follow some bytes of junk (ISO 32000-1 annex H)
        raise PdfRejected("not_pdf", "no PDF header")
    try:
        budget = budget or upload_budget(len(data))
        reader = _BudgetedReader(io.BytesIO(data), budget=budget, strict=strict)
        encrypted = reader.encrypted
    except Exception as error:  # a damaged file makes the parser raise many kinds, not only PdfError
        raise PdfRejected("over_budget" if over_budget(error) else "not_pdf", type(error).__name__) from error
    if encrypted:
        raise PdfRejected("encrypted")
    return reader


def open_signed_pdf(
    data: bytes, *, oldest_first: bool = False, budget: DecodeBudget | None = None
) -> tuple[PdfFileReader, list]:
    """A strict reader over untrusted bytes (`open_pdf`) and the file's signatures (in the order of their
    revisions if `oldest_first`, else as the form lists them).

    Raises `PdfRejected` ("not_pdf", "encrypted", "over_budget", "unreadable_signature", "unsigned").
    """
    reader = open_pdf(data, budget=budget)
    try:
        signatures = reader.embedded_regular_signatures
        if oldest_first:
            signatures = sorted(signatures, key=lambda s: s.signed_revision)
    except Exception as error:  # a damaged form tree or signature object: pyHanko raises many kinds
        reason = "over_budget" if over_budget(error) else "unreadable_signature"
        raise PdfRejected(reason, type(error).__name__) from error
    if not signatures:
        raise PdfRejected("unsigned")
    return reader, signatures


@contextlib.contextmanager
def evaluating(what: str):
    """Whatever evaluating a signature of a hostile file raises comes out as one `PdfRejected`."""
    try:
        yield
    except PdfRejected:
        raise
    except Exception as error:  # pyHanko and asn1crypto raise many kinds on hostile input
        logger.info("%s could not be evaluated: %s", what, type(error).__name__)
        reason = "over_budget" if over_budget(error) else "unreadable_signature"
        raise PdfRejected(reason, type(error).__name__) from error


def signing_time(status):
    """The timestamp's time if the signature has one, else the time the signer claims."""
    timestamp = status.timestamp_validity
    return timestamp.timestamp if timestamp is not None else status.signer_reported_dt


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(part) for part in value)
    return "" if value is None else str(value)


def name_parts(name: asn1_x509.Name) -> dict[str, str]:
    """The attributes of an X.520 name as text (several values of one attribute joined by spaces)."""
    attributes = name.native if isinstance(name.native, dict) else {}
    return {key: _text(value) for key, value in attributes.items()}


def issuer_name(name: asn1_x509.Name) -> str:
    attributes = name_parts(name)
    parts = [attributes.get(key, "") for key in ("common_name", "organization_name", "country_name")]
    return ", ".join(part for part in parts if part)


class _QcStatement(core.Sequence):
    _fields = [("statement_id", core.ObjectIdentifier), ("statement_info", core.Any, {"optional": True})]


class _QcStatements(core.SequenceOf):
    _child_spec = _QcStatement


def is_qualified(certificate: asn1_x509.Certificate) -> bool:
    for extension in certificate["tbs_certificate"]["extensions"]:
        if extension["extn_id"].dotted != QC_STATEMENTS_EXTENSION:
            continue
        try:
            statements = _QcStatements.load(extension["extn_value"].contents)
            return any(statement["statement_id"].dotted == QC_COMPLIANCE for statement in statements)
        except ValueError:
            return False
    return False
