"""Support by qualified electronic signature or podpis osobisty (docs/law.md §Forms of support): the statement
and its upload.

1. The supporter asks for a statement (their data in a POST body, never a URL). The platform checks the data
   as for any signature and renders a one-page PDF/A whose keywords carry a token: the statement's data
   (the initiative, the SHA-256 of the draft's text, the supporter) and an HMAC of them under a key derived
   from SECRET_KEY for this purpose alone. Nothing is stored until the signed file comes back.
2. The supporter signs the PDF (PAdES) and uploads it. The signature must be intact, valid, trusted
   (SIGNATURE_TRUST_ROOTS) and cover the whole file; the token must be the platform's, for this initiative
   and this draft; the document as it stood before signing must be the very statement the token describes
   (rendered again and compared byte for byte; skipped only where the signing application rewrote the
   file, or the renderer has changed since the statement was issued); and the certificate's subject
   serialNumber must be `PNOPL-<PESEL>` (ETSI EN 319 412-1) with the statement's PESEL. Then the signature
   is recorded through `signature_submit`, like every other form.

PESEL: a qualified certificate and podpis osobisty name the signer by PESEL, so the statement asks for it
even where the council's rules ask for the date of birth. There the date of birth may be left out (it is
read from the PESEL) or given (it must then match); the signature keeps only what the rules name, so the
PESEL is in the signed file the supporter holds, and in nothing the platform stores.

The method recorded is `qes`: a PAdES signature whose certificate names the signer by PESEL is a qualified
signature or podpis osobisty, which the method covers; podpis zaufany cannot be told apart reliably from a
PDF signature alone, so it is not claimed.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import importlib.metadata
import json
import logging
import re

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import pesel as pesel_number

from documents.bounded_reader import DecodeRefused, read_json, upload_budget
from documents.pades import PdfRejected, PdfValidation, trust_roots_from_pem, validate_pdf
from documents.typst_render import TEMPLATES, render_pdf
from initiative.errors import InvalidInput, TransitionRefused
from initiative.models import Initiative
from initiative.services import initiative_draft
from legal_templates.organ_names import council_genitive
from municipalities.models import SignatureMethod
from municipalities.statutes import statute_of
from signatures.checks import clean_supporter
from signatures.services import SignOutcome, signature_submit, today_in_warsaw
from signatures.trust import signature_kind, signature_trust_roots_pem

logger = logging.getLogger(__name__)

TEMPLATE = "statement.typ"
TOKEN_PREFIX = "oiu-statement-1"
TOKEN = re.compile(rf"{re.escape(TOKEN_PREFIX)}\.[A-Za-z0-9_-]+\.[0-9a-f]{{64}}")
# The HMAC key is SECRET_KEY passed through Django's salted_hmac with this purpose: a token cannot be
# replayed as a password-reset link, a session or anything else signed with the same secret.
HMAC_PURPOSE = "signatures.esignature.statement"
# A signed one-page statement is about 40 to 300 KB (with the signer's chain and revocation data).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ELECTRONIC_METHODS = (SignatureMethod.QES, SignatureMethod.TRUSTED_PROFILE)
# ETSI EN 319 412-1 § 5.1.3: the natural person's semantics identifier, "PNO" + country + "-" + number.
PNOPL = re.compile(r"PNOPL-(\d{11})")


# -- the statement -------------------------------------------------------------------------------------------


def draft_sha256(initiative: Initiative) -> str:
    """The identifier of the draft the supporter backs: SHA-256 of its text as the platform renders it."""
    return hashlib.sha256(initiative_draft(initiative).as_text().encode("utf-8")).hexdigest()


@functools.cache
def renderer_fingerprint() -> str:
    """Changes when the template or Typst changes: statements issued before cannot be rendered again equal."""
    source = (TEMPLATES / TEMPLATE).read_bytes()
    version = importlib.metadata.version("typst").encode()
    return hashlib.sha256(source + b"\0" + version).hexdigest()[:16]


def esigning_initiative(initiative_id: int) -> Initiative:
    """The initiative, if it takes e-signatures now; else TransitionRefused (409) saying why."""
    initiative = Initiative.objects.select_related("municipality").filter(pk=initiative_id).first()
    if initiative is None or not initiative.collects_signatures:
        raise TransitionRefused(_("This initiative is not collecting signatures now."))
    if not set(initiative.rules["signature_methods"]) & set(ELECTRONIC_METHODS):
        raise TransitionRefused(
            _("This council's rules do not accept electronic signatures for this initiative.")
        )
    trust_roots()  # refuse before the supporter signs anything that could not be checked
    return initiative


def trust_roots() -> bytes:
    """The PEM bundle of certificates trusted for supporters' signatures (signatures.trust: the trusted
    list and SIGNATURE_TRUST_ROOTS); refused (409) when there is none."""
    pem = signature_trust_roots_pem()
    try:
        usable = bool(trust_roots_from_pem(pem)) if pem else False
    except ValueError:
        usable = False
    if not usable:
        logger.error(
            "no trust roots for electronic signatures: neither a trusted list nor SIGNATURE_TRUST_ROOTS"
        )
        raise TransitionRefused(
            _(
                "Electronic signatures cannot be checked on this site at the moment: the list of trusted "
                "certificate authorities is not configured. Please use another form of support."
            )
        )
    return pem


def statement_payload(initiative: Initiative, data: dict) -> dict:
    """Check a statement request and return the statement's data; InvalidInput (400) field by field.

    `data` is the JSON of a signature (docs/contract.md §Signatures) plus "pesel". An e-mail address, if sent,
    is ignored: an e-signature needs none, and it is neither printed nor kept.
    """
    identifier = initiative.rules["identifier"]
    data = {name: value for name, value in data.items() if name != "email"}
    given_birth_date = data.pop("birth_date", None) if identifier == "birth_date" else None
    if not data.get("pesel"):
        raise InvalidInput(
            {
                "pesel": [
                    _(
                        "An electronic signature needs your PESEL number: the signature's certificate "
                        "carries it, and the two must match."
                    )
                ]
            }
        )
    signed_on = today_in_warsaw()
    supporter, errors = clean_supporter(
        data, level=initiative.municipality.level, identifier="pesel", signed_on=signed_on, needs_email=False
    )
    if (
        supporter is not None
        and given_birth_date not in (None, "")
        and given_birth_date != supporter_birth_date(supporter.pesel)
    ):
        errors["birth_date"] = [_("The date of birth does not match the one in your PESEL number.")]
    if errors:
        raise InvalidInput(errors)

    fields = {
        "first_names": supporter.first_names,
        "last_name": supporter.last_name,
        "address": supporter.address,
        "citizenship": supporter.citizenship,
    }
    if identifier == "pesel":
        fields["pesel"] = supporter.pesel
    else:
        fields["birth_date"] = supporter_birth_date(supporter.pesel)
    unit = initiative.municipality
    return {
        "v": 1,
        "initiative": initiative.pk,
        "draft_sha256": draft_sha256(initiative),
        "issued_on": signed_on.isoformat(),
        "council": unit.council_name,
        "council_genitive": council_genitive(unit.council_name),
        "statute": statute_of(unit.level).citation,
        "title": initiative.title,
        "pesel": supporter.pesel,
        "supporter": fields,
        "data_note": (
            "Zasady rady wymagają numeru PESEL."
            if identifier == "pesel"
            else "Numer PESEL służy tylko porównaniu z certyfikatem podpisu: zgodnie z zasadami rady "
            "na liście poparcia zostaje data urodzenia, nie numer PESEL."
        ),
        "renderer": renderer_fingerprint(),
    }


def supporter_birth_date(pesel: str) -> str:
    return pesel_number.get_birth_date(pesel).isoformat()


def _mac(message: str, secret: str) -> str:
    return salted_hmac(HMAC_PURPOSE, message, secret=secret, algorithm="sha256").hexdigest()


def statement_token(payload: dict) -> str:
    """The payload, canonical JSON in URL-safe base64, and its HMAC: `prefix.payload.mac`."""
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    body = base64.urlsafe_b64encode(canonical.encode("utf-8")).rstrip(b"=").decode("ascii")
    message = f"{TOKEN_PREFIX}.{body}"
    return f"{message}.{_mac(message, settings.SECRET_KEY)}"


def statement_from_token(token: str) -> dict | None:
    """The payload of a token the platform made (current or a previous SECRET_KEY), else None."""
    message, _dot, mac = token.rpartition(".")
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not message.startswith(f"{TOKEN_PREFIX}.") or not any(
        constant_time_compare(mac, _mac(message, secret)) for secret in secrets
    ):
        return None
    body = message.removeprefix(f"{TOKEN_PREFIX}.")
    try:
        # The token came in an uploaded file: even with a good MAC it is read through the bounded reader.
        payload = read_json(
            base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), max_bytes=64 * 1024, max_values=1000
        )
    except (binascii.Error, ValueError, DecodeRefused):
        return None
    return payload if isinstance(payload, dict) and payload.get("v") == 1 else None


def statement_render(payload: dict, token: str) -> bytes:
    """The statement's PDF: a function of the payload and its token only, so it can be rendered again."""
    code = token.rpartition(".")[2][:12].upper()
    code = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    return render_pdf(TEMPLATE, {**payload, "token": token, "code": code})


def statement_pdf(initiative: Initiative, supporter_data: dict) -> bytes:
    """The support statement to sign (docs/contract.md §Signatures, `POST …/statement.pdf`); 409 or 400 as the
    API says."""
    initiative = esigning_initiative(initiative.pk)
    payload = statement_payload(initiative, supporter_data)
    return statement_render(payload, statement_token(payload))


# -- the signed statement comes back -------------------------------------------------------------------------


def _refused(message: str) -> InvalidInput:
    return InvalidInput({"file": [message]})


def _rejection_message(reason: str) -> str:
    messages = {
        "not_pdf": _("This file is not a PDF document, or it is damaged. Upload the signed statement (PDF)."),
        "encrypted": _("This PDF is password-protected. Upload the signed statement without a password."),
        "unsigned": _(
            "This PDF has no electronic signature. Sign the statement (PAdES, a signature inside the PDF) "
            "and upload the signed file."
        ),
        "several_signatures": _(
            "This PDF has more than one signature. Only the supporter signs the statement."
        ),
        "over_budget": _(
            "This PDF holds far more data than a signed statement can (it expands when read), so it was not "
            "read. Upload the file exactly as your signing application saved it."
        ),
    }
    return messages.get(
        reason, _("The signature in this PDF cannot be read. Sign the statement again and upload it.")
    )


def _checked_signature(validation: PdfValidation) -> None:
    if not validation.intact:
        raise _refused(
            _("The document was changed after it was signed. Download the statement again and sign it.")
        )
    if not validation.valid:
        raise _refused(_("The signature is not valid. Download the statement again and sign it."))
    if not validation.trusted:
        raise _refused(
            _(
                "The signature's certificate is not from a trusted provider: use a qualified electronic "
                "signature or podpis osobisty (e-ID card), valid today."
            )
        )
    if not validation.covers_whole_document:
        raise _refused(
            _(
                "Something was added to the document after it was signed. Upload the file exactly as your "
                "signing application saved it."
            )
        )


def _signature_kind(validation: PdfValidation) -> str:
    """Qualified or podpis osobisty (signatures.trust); refused otherwise."""
    kind = signature_kind(
        qualified=validation.qualified,
        anchor_sha256=validation.trust_anchor_sha256,
        serial_number=validation.signer.serial_number,
    )
    if kind is None:
        raise _refused(
            _(
                "This certificate is not qualified: it does not carry the EU statement of a qualified "
                "certificate, and it is not podpis osobisty of the e-ID card. Sign with a qualified "
                "electronic signature or with podpis osobisty."
            )
        )
    return kind


def _checked_statement(initiative: Initiative, validation: PdfValidation) -> tuple[dict, str]:
    found = TOKEN.search(validation.original_info.get("Keywords", ""))
    if found is None:
        raise _refused(
            _(
                "This is not a support statement issued by this site. Download the statement on the "
                "initiative's page, sign it and upload it."
            )
        )
    token = found.group(0)
    payload = statement_from_token(token)
    if payload is None:
        raise _refused(
            _("The statement's data have been altered. Download the statement again and sign it unchanged.")
        )
    if payload.get("initiative") != initiative.pk:
        raise _refused(_("This statement supports another initiative. Upload it on that initiative's page."))
    if payload.get("draft_sha256") != draft_sha256(initiative):
        raise _refused(
            _("The draft has changed since this statement was issued. Download a new statement and sign it.")
        )
    return payload, token


def _same_document(validation: PdfValidation, payload: dict, token: str) -> str:
    """How the signed document was matched to the statement: "rendered" or "token" (see module docs)."""
    if validation.original_bytes is None or payload.get("renderer") != renderer_fingerprint():
        return "token"
    expected = statement_render(payload, token)
    if validation.original_bytes.rstrip(b"\r\n") != expected.rstrip(b"\r\n"):
        raise _refused(
            _(
                "The statement was changed before it was signed. Download it again and sign it without "
                "editing or saving it in another program."
            )
        )
    return "rendered"


def _checked_signer(validation: PdfValidation, payload: dict) -> None:
    found = PNOPL.fullmatch(validation.signer.serial_number.strip())
    if found is None:
        raise _refused(
            _(
                "The signature's certificate does not name its holder by PESEL number. Use a qualified "
                "electronic signature or podpis osobisty (e-ID card) issued in Poland."
            )
        )
    try:
        pesel_number.validate(found.group(1))
    except StdnumError as error:
        raise _refused(_("The PESEL number in the signature's certificate is not valid.")) from error
    if not hmac.compare_digest(found.group(1), str(payload.get("pesel", ""))):
        raise _refused(
            _(
                "The statement was signed by someone else: the PESEL number in the signature's certificate "
                "is not the one in the statement. Each supporter signs their own statement."
            )
        )


def esigned_submit(*, initiative_id: int, file: bytes) -> SignOutcome:
    """Record the support of the person who signed an uploaded statement (docs/contract.md §Signatures,
    `…/esigned/`).

    400 (InvalidInput on "file") for anything wrong with the file, its signature or the statement; 409 when
    the initiative does not take e-signatures now. A person who has already signed gets the same answer.
    """
    initiative = esigning_initiative(initiative_id)
    if len(file) > MAX_UPLOAD_BYTES:
        raise _refused(_("The file is too large: a signed statement is well under 5 MB."))
    try:
        # One decoding budget for the request (documents.bounded_reader); revocation is fetched only for a
        # certificate that leads to a trusted root, from public hosts (documents.pades.fetching).
        validation = validate_pdf(
            file, trust_roots_pem=trust_roots(), fetch_revocation=True, budget=upload_budget(len(file))
        )
    except PdfRejected as rejected:
        raise _refused(_rejection_message(rejected.reason)) from rejected
    _checked_signature(validation)
    payload, token = _checked_statement(initiative, validation)
    matched_by = _same_document(validation, payload, token)
    _checked_signer(validation, payload)
    kind = _signature_kind(validation)

    method = SignatureMethod.QES
    if method not in initiative.rules["signature_methods"]:
        raise TransitionRefused(
            _("This council's rules do not accept this form of electronic signature for this initiative.")
        )
    evidence = {
        # What the clerk and the packet need to trust the entry; no personal data (the PESEL, the names and
        # the certificate, which names its holder, stay in the file the supporter keeps).
        "format": "PAdES",
        "summary": validation.summary,
        "intact": validation.intact,
        "valid": validation.valid,
        "trusted": validation.trusted,
        "covers_whole_document": validation.covers_whole_document,
        "qualified_certificate": validation.qualified,
        "signature_kind": kind,  # "qualified" or "personal" (podpis osobisty): signatures.trust
        "timestamped": validation.timestamped,
        "signing_time": validation.signing_time.isoformat() if validation.signing_time else None,
        "issuer": validation.issuer,
        "statement_issued_on": payload["issued_on"],
        "statement_matched_by": matched_by,
        "draft_sha256": payload["draft_sha256"],
        "file_sha256": hashlib.sha256(file).hexdigest(),
        "validated_at": timezone.now().isoformat(),
    }
    data = {**payload["supporter"], "declaration": True, "privacy_notice": True}
    return signature_submit(
        initiative_id=initiative.pk,
        data=data,
        method=method,
        evidence=evidence,
        signed_file=(file, "application/pdf"),
    )
