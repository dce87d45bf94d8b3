"""Whom the platform trusts for people's electronic signatures, and what a signature under them is
(docs/law.md §Forms of support, "Qualified means qualified").

Two sources of trust: the qualified certification services of the EU trusted list for Poland, loaded by
`import_trusted_list` (TrustedService rows), and the roots an operator configured (SIGNATURE_TRUST_ROOTS:
for podpis osobisty, the pl.ID roots, which are not on the EU list; in tests, a test PKI). A signature is

- **qualified** when its certificate carries the ETSI EN 319 412-5 QcCompliance statement and its chain ends
  in either source: by eIDAS art. 25(2) it equals a handwritten signature;
- **podpis osobisty** (an advanced signature of the e-ID card) when its certificate has no QcCompliance,
  names its holder by PESEL (`PNOPL-`), and its chain ends in a root the operator configured;
- refused otherwise: a certificate under a qualified service of the trusted list that does not declare
  itself qualified is not a qualified signature, and nothing else is a form of support the law knows.
"""

import dataclasses
import logging
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from documents.trusted_list import TrustedList, TrustedListRejected, trusted_list_read
from signatures.models import TrustedService

logger = logging.getLogger(__name__)

QUALIFIED, PERSONAL = "qualified", "personal"


def configured_roots_pem() -> bytes:
    """The PEM bundle of SIGNATURE_TRUST_ROOTS; empty when unset or unreadable (logged, without data)."""
    path = settings.SIGNATURE_TRUST_ROOTS
    if not path:
        return b""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        logger.error("SIGNATURE_TRUST_ROOTS cannot be read: %s", type(error).__name__)
        return b""


def trusted_list_pem() -> bytes:
    """The certificates of the loaded trusted list's qualified services, as PEM."""
    certificates = TrustedService.objects.values_list("certificate", flat=True)
    return b"".join(
        x509.load_der_x509_certificate(bytes(der)).public_bytes(serialization.Encoding.PEM)
        for der in certificates
    )


def signature_trust_roots_pem() -> bytes:
    """Every certificate a person's signature may chain to: the trusted list's and the configured roots."""
    return trusted_list_pem() + configured_roots_pem()


def signature_kind(*, qualified: bool, anchor_sha256: str, serial_number: str) -> str | None:
    """QUALIFIED, PERSONAL or None (refused) for a signature whose chain ended in `anchor_sha256` ("" when
    it ended in no trusted certificate); see the module's docstring."""
    if not anchor_sha256:
        return None
    if qualified:
        return QUALIFIED
    if TrustedService.objects.filter(sha256=anchor_sha256).exists():
        return None  # under a qualified service, yet not declared qualified
    if serial_number.strip().upper().startswith("PNOPL-"):
        return PERSONAL
    return None


@dataclasses.dataclass(frozen=True)
class ListImported:
    territory: str
    sequence_number: int
    services: int


def trusted_list_import(data: bytes, *, signer_pem: bytes, territory: str = "PL") -> ListImported:
    """Replace the services of `territory` with those of a newly downloaded list, all or nothing. Refused
    (TrustedListRejected) when its signature does not hold, it is another territory's, or it is older than
    the one loaded."""
    trusted_list: TrustedList = trusted_list_read(data, signer_pem=signer_pem)
    if trusted_list.territory != territory:
        raise TrustedListRejected(
            f"the list is for {trusted_list.territory or 'no territory'}, not {territory}"
        )
    if not trusted_list.services:
        raise TrustedListRejected("the list names no qualified certification service")
    with transaction.atomic():
        loaded = TrustedService.objects.select_for_update().filter(territory=territory)
        newest = max((service.sequence_number for service in loaded), default=0)
        if trusted_list.sequence_number < newest:
            raise TrustedListRejected(
                f"the list's sequence number {trusted_list.sequence_number} is older than the loaded {newest}"
            )
        loaded.delete()
        now = timezone.now()
        unique = {service.sha256: service for service in trusted_list.services}
        TrustedService.objects.bulk_create(
            TrustedService(
                territory=territory,
                sequence_number=trusted_list.sequence_number,
                provider=service.provider[:300],
                name=service.name[:500],
                certificate=service.certificate_der,
                sha256=sha256,
                imported_at=now,
            )
            for sha256, service in unique.items()
        )
    return ListImported(territory, trusted_list.sequence_number, len(unique))
