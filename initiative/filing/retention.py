"""Deletion after the retention periods: the work of the daily `delete_personal_data_task`
(docs/law.md §Personal data).

Three kinds of deletion, each logged in personal_data.DeletionLog with counts only:

- Personal data of an initiative that has ended (FINISHED_STATES; `finished_at` stamped by
  Initiative.transition), settings.PERSONAL_DATA_RETENTION_DAYS after its end: the supporters' personal
  fields, their notices and paper scans (signatures.retention), the committee's declarations (name and
  address) and the committee's invitations (e-mail addresses). Counts, keyed hashes, verdicts and the
  packet's checksums stay. Art. 5 ust. 1 lit. e RODO; the privacy notice quotes the period.
- The packet's file, after the council's own Unit.packet_retention_days or settings.PACKET_RETENTION_DAYS:
  the file goes, its row with sha256 and merkle_root stays, so a copy held by the council can still be
  checked against it.
- Signatures their supporters withdrew, the same number of days after the withdrawal.

Each initiative is handled in its own transaction on its locked row, re-checked after the lock: two
overlapping runs (a retried task, a second worker) queue up on the row and the second finds nothing to do,
so each deletion happens and is logged once. A failure in one initiative is logged by id and exception
type (never data) and the others go on.
"""

import datetime
import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from initiative.emails import initiative_reference
from initiative.filing.delivery import delivery_receipts_erase
from initiative.lifecycle import FINISHED_STATES
from initiative.models import CommitteeContact, Initiative, Packet, SignedPacket
from outbox.services import emails_cancel
from personal_data.models import DeletionLog
from personal_data.periods import packet_file_days, personal_data_days
from signatures.retention import signatures_erase, signatures_erase_withdrawn

logger = logging.getLogger(__name__)


def retention_run(now: datetime.datetime | None = None) -> dict:
    """Everything due at `now` (default: the present): personal data, packet files, withdrawn signatures.

    Returns the counts of what was deleted (the Celery task's result; no personal data).
    """
    now = now or timezone.now()
    result = {
        "initiatives": 0,
        "signatures": 0,
        "committee_members": 0,
        "paper_scans": 0,
        "packet_files": 0,
        "withdrawn_signatures": 0,
        "failed": 0,
    }
    for initiative_id in _personal_data_due(now).values_list("pk", flat=True).order_by("pk"):
        log = _guarded(initiative_personal_data_erase, initiative_id, now, result)
        if log is not None:
            result["initiatives"] += 1
            result["signatures"] += log.signatures
            result["committee_members"] += log.committee_members
            result["paper_scans"] += log.files
    for initiative_id in _packet_files_candidates().values_list("pk", flat=True).order_by("pk"):
        log = _guarded(initiative_packet_files_delete, initiative_id, now, result)
        if log is not None:
            result["packet_files"] += log.files
    cutoff = now - datetime.timedelta(days=personal_data_days())
    result["withdrawn_signatures"] = signatures_erase_withdrawn(cutoff)
    return result


def _guarded(erase, initiative_id: int, now: datetime.datetime, result: dict) -> DeletionLog | None:
    try:
        return erase(initiative_id, now=now)
    except Exception as error:  # one initiative's failure must not keep the others' data past their time
        result["failed"] += 1
        logger.error(
            "Retention (%s) failed for initiative %s: %s", erase.__name__, initiative_id, type(error).__name__
        )
        return None


def _personal_data_due(now: datetime.datetime) -> QuerySet[Initiative]:
    cutoff = now - datetime.timedelta(days=personal_data_days())
    return Initiative.objects.filter(
        status__in=FINISHED_STATES, finished_at__lte=cutoff, personal_data_deleted_at__isnull=True
    )


def initiative_personal_data_erase(initiative_id: int, *, now: datetime.datetime) -> DeletionLog | None:
    """Erase one ended initiative's personal data if its time has come; None when there is nothing to do.

    The initiative's row is locked FOR UPDATE and the conditions are part of the locking query, so
    PostgreSQL checks them again on the row as it stands after any wait: a run that queued behind another
    finds `personal_data_deleted_at` set and does nothing.
    """
    with transaction.atomic():
        initiative = _personal_data_due(now).select_for_update().filter(pk=initiative_id).first()
        if initiative is None:
            return None
        signatures = signatures_erase(initiative_id)
        receipts = delivery_receipts_erase(initiative_id)
        # The committee's and the council's e-mails still waiting in the outbox hold addresses too.
        emails_cancel(reference=initiative_reference(initiative_id))
        # Every seat, declared or not, current or left: the constraint allows empty fields once erased_at
        # is set.
        members = initiative.committee_members.filter(erased_at__isnull=True).update(
            full_name="", address="", erased_at=now
        )
        # The committee's correspondence address and contact may be a member's own; its name stays (the
        # sheets and the timeline name it).
        CommitteeContact.objects.filter(initiative_id=initiative_id, erased_at__isnull=True).update(
            address="", email="", phone="", erased_at=now
        )
        # Invitations hold nothing but an address and who accepted it (the seat keeps the membership), and
        # the field does not allow a blank address: the rows go. Their links stop working, as they should.
        invitations, _by_model = initiative.invitations.all().delete()
        Initiative.objects.filter(pk=initiative_id).update(personal_data_deleted_at=now)
        return DeletionLog.objects.create(
            at=now,
            initiative_id=initiative_id,
            kind=DeletionLog.Kind.PERSONAL_DATA,
            signatures=signatures.signatures,
            committee_members=members,
            files=signatures.scans + signatures.signed_files + receipts,
            note=f"paper scans {signatures.scans}, signed statements {signatures.signed_files}, "
            f"delivery receipts {receipts}, invitations {invitations}, "
            f"notices {signatures.notices}",
        )


def packet_retention_days(initiative: Initiative) -> int:
    """The council's own period for the packet's file, or the platform's default."""
    return packet_file_days(initiative.municipality)


def _packet_files_candidates() -> QuerySet[Initiative]:
    """Ended initiatives with a packet whose file has not been deleted; each is checked against its own
    council's period in initiative_packet_files_delete (a handful of rows a day)."""
    undeleted = Packet.objects.filter(initiative=OuterRef("pk"), file_deleted_at__isnull=True)
    return Initiative.objects.filter(Exists(undeleted), status__in=FINISHED_STATES)


def initiative_packet_files_delete(initiative_id: int, *, now: datetime.datetime) -> DeletionLog | None:
    """Delete the files of every packet version of one ended initiative once the council's period is over.

    The packet rows are locked and re-read after any wait, so two runs delete and log once. Files are
    deleted inside the transaction, before the rows are marked: if marking fails, the next run deletes
    again (a missing file is no error), and no file is ever left without a row that leads to it.
    """
    initiative = (
        Initiative.objects.select_related("municipality")
        .filter(pk=initiative_id, status__in=FINISHED_STATES)
        .first()
    )
    if initiative is None or initiative.finished_at is None:
        return None
    if initiative.finished_at > now - datetime.timedelta(days=packet_retention_days(initiative)):
        return None
    with transaction.atomic():
        packets = list(
            Packet.objects.select_for_update().filter(
                initiative_id=initiative_id, file_deleted_at__isnull=True
            )
        )
        if not packets:
            return None
        files = 0
        for packet in packets:
            if packet.file.name:
                default_storage.delete(packet.file.name)
                files += 1
        # The committee's signed copies list the same supporters: they go with the packets.
        signed = SignedPacket.objects.select_for_update().filter(
            packet__in=packets, file_deleted_at__isnull=True
        )
        for copy in signed:
            if copy.file.name:
                default_storage.delete(copy.file.name)
                files += 1
        signed.update(file="", file_deleted_at=now)
        Packet.objects.filter(pk__in=[packet.pk for packet in packets]).update(file="", file_deleted_at=now)
        return DeletionLog.objects.create(
            at=now,
            initiative_id=initiative_id,
            kind=DeletionLog.Kind.PACKET_FILE,
            files=files,
            note=f"packet versions {', '.join(str(packet.version) for packet in packets)}",
        )
