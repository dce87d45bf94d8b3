"""Delivering a filing to the council's office (docs/law.md §Opening and filing, §Deadlines).

A filing on the platform is not yet a filing with the council: the draft is filed ("złożony", art. 41a
ust. 3 u.s.g.) on the day the office receives it. The committee delivers the sealed packet through ePUAP or
e-Doręczenia (the representative's signature on the sending), or in person or by post with the paper
originals of the sheets, and records here how and when, with the official receipt if it has one (the UPO
of ePUAP, the proof of e-Doręczenia, or a scan of the copy stamped by the office). The clerk sees it and
records the day of receipt (initiative.clerk.decisions.initiative_receive), from which the terms run.

The receipt names the sender, so it is stored encrypted, bound to its row, read by a person only through
`delivery_receipt_for` (which records the read in the access log), sealed again on key rotation
(initiative/apps.py) and deleted with the initiative's other personal data (initiative.filing.retention).
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.deadlines import day_after_filing_problem
from initiative.lifecycle import AWAITING_DECISION_STATES
from initiative.models import Delivery, DeliveryChannel
from personal_data.access_log import record_access
from personal_data.encryption import decrypt_bytes, encrypt_bytes

RECEIPT_MAX_BYTES = 2 * 1024 * 1024  # a UPO is a few KiB; a phone's photo of a stamped copy, well under
RECEIPT_TYPES = {  # what the file starts with: its type
    b"%PDF-": "application/pdf",
    b"<?xml": "application/xml",  # the UPO of ePUAP, the proof of e-Doręczenia
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "application/xml": "xml", "image/jpeg": "jpg", "image/png": "png"}


def _context(delivery: Delivery) -> str:
    # Bound to the row: a file copied over another delivery's receipt does not open.
    return f"initiative.delivery:{delivery.initiative_id}:{delivery.pk}"


def _too_large() -> InvalidInput:
    size = RECEIPT_MAX_BYTES // 2**20
    return InvalidInput({"receipt": [_("The receipt is larger than %(size)d MiB.") % {"size": size}]})


def uploaded_receipt(upload) -> bytes | None:
    """An uploaded receipt's bytes, refused before reading when larger than RECEIPT_MAX_BYTES (the page and
    the API both hand their upload here)."""
    if upload is None:
        return None
    if upload.size > RECEIPT_MAX_BYTES:
        raise _too_large()
    return upload.read()


def receipt_type(data: bytes) -> str:
    """The receipt's type from its first bytes; InvalidInput for anything else or too large."""
    if len(data) > RECEIPT_MAX_BYTES:
        raise _too_large()
    start = data.lstrip(b"\xef\xbb\xbf")  # an XML file may open with a byte-order mark
    for magic, content_type in RECEIPT_TYPES.items():
        if start.startswith(magic):
            return content_type
    raise InvalidInput({"receipt": [_("The receipt must be a PDF or XML file, or a JPEG or PNG scan.")]})


def delivery_record(
    *,
    initiative_id: int,
    actor,
    channel: str,
    delivered_on: datetime.date,
    receipt: bytes | None = None,
) -> Delivery:
    """The committee records that it delivered the latest packet to the office; nothing is stored on any
    error. Only while the filing awaits the office's decision, and for a day between the filing and today."""
    errors = {}
    if channel not in DeliveryChannel.values:
        errors["channel"] = [_("Choose how the packet was delivered.")]
    content_type = receipt_type(receipt) if receipt else ""
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if initiative.status not in AWAITING_DECISION_STATES:
            raise TransitionRefused(_("A delivery is recorded after filing, until the office decides."))
        problem = day_after_filing_problem(
            initiative,
            delivered_on,
            future=_("The day of delivery cannot be in the future."),
            before=_(
                "The draft was filed on the platform on %(filed)s; it cannot have been delivered before."
            ),
        )
        if problem:
            errors["delivered_on"] = [problem]
        if errors:
            raise InvalidInput(errors)
        delivery = Delivery.objects.create(
            initiative=initiative,
            packet=initiative.packets.order_by("-version").first(),  # the version filed last
            channel=channel,
            delivered_on=delivered_on,
            recorded_by=actor,
            receipt_type=content_type,
            receipt_sha256=hashlib.sha256(receipt).hexdigest() if receipt else "",
        )
        if receipt:
            sealed = encrypt_bytes(receipt, context=_context(delivery))
            delivery.file.save(f"receipt.{EXTENSIONS[content_type]}.enc", ContentFile(sealed), save=False)
            try:
                delivery.save(update_fields=["file"])
            except BaseException:
                delivery.file.storage.delete(delivery.file.name)
                raise
    return delivery


def delivery_receipt_for(delivery: Delivery, *, reader) -> bytes:
    """The receipt as uploaded, for a person (a download), recorded in the access log. The caller checks
    that `reader` sits on the committee or is a clerk of the council."""
    with delivery.file.open("rb") as handle:
        receipt = decrypt_bytes(handle.read(), context=_context(delivery))
    record_access(
        user=reader, initiative_id=delivery.initiative_id, what="delivery_receipt", records=1, detail=""
    )
    return receipt


def delivery_receipt_reseal(delivery: Delivery, stored: bytes) -> bytes:
    """The stored receipt sealed again under the newest key (`reencrypt_personal_data`)."""
    return encrypt_bytes(decrypt_bytes(stored, context=_context(delivery)), context=_context(delivery))


def delivery_receipts_erase(initiative_id: int) -> int:
    """Delete the initiative's stored receipts (retention); the rows keep the channel, the day and the
    checksum. Returns how many files went. Call inside the erasing transaction."""
    erased = 0
    for delivery in Delivery.objects.filter(initiative_id=initiative_id).exclude(file=""):
        name, storage = delivery.file.name, delivery.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        erased += 1
    Delivery.objects.filter(initiative_id=initiative_id).exclude(file="").update(file="")
    return erased
