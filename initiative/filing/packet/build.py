"""Build one packet version: render, seal, store, and tell the council chair and the committee
(docs/law.md §The packet).

Called by initiative.filing.tasks.build_packet_task with the Packet's id; Celery may run it twice (a retry, a
message delivered again) or two workers may run it at once. The Packet row is the claim:

- a run locks the row FOR UPDATE SKIP LOCKED and holds the lock while it builds, so a second run at the
  same time finds it locked and leaves at once (it builds nothing and sends nothing);
- a ready packet is left alone: a repeated run returns its checksum and sends no e-mail;
- the e-mails telling the council chair and the committee are put into the outbox in the transaction that
  marks the row ready: they exist exactly when the packet is ready, and the outbox delivers them however
  long the mail server refuses (a failed delivery never fails the build, nor is it lost with a retry that
  finds the packet ready);
- the lock is PostgreSQL's, so a worker that dies mid-build releases it with its connection, and the row
  is still `building` (or `failed`) for the next run to finish;
- the file is written last, just before the row is marked ready in the same transaction; if anything
  fails after the write, the file is deleted before the error goes up, so no file is left that no row
  names (only a process killed in the milliseconds between the write and the commit could leave one),
  unless the row did commit naming it (the error came after the commit: the file is the packet's);
- on failure the row becomes `failed` with only the exception's type in `error` (never data: a message
  could quote a supporter), and the exception goes up: Celery retries what the task lists (OSError: the
  storage, the network), and any later run (a retry, a message delivered again after a worker died, which
  late acknowledgement provides) finds the row `failed` and builds it.

The rendering reads the signatures inside this transaction; the list is frozen once filed (nothing is
added or withdrawn after `submit`), so the packet lists what was filed.
"""

import datetime
import hashlib
import logging
import time

from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from documents.pades import seal_pdf
from initiative.filing.packet.emails import send_packet_ready
from initiative.filing.packet.render import packet_render
from initiative.filing.packet.storage import packet_file_store
from initiative.models import Packet, PacketStatus

logger = logging.getLogger(__name__)

# A packet still building this long after it was ordered is taken for lost (its worker died) and ordered
# again by the sweep; the row lock makes a second run harmless if the first is in fact still at work.
STALE_AFTER = datetime.timedelta(minutes=30)


class PacketAbandoned(Exception):
    """The packet can no longer be built (its initiative's personal data are gone): not worth a retry."""


def packets_reorder() -> int:
    """Order again every packet that failed or was lost on the way (the periodic sweep). Returns how many.

    A build fails for reasons that pass (the timestamp authority or the storage away for a while); the
    task's own retries cover minutes, this sweep covers hours. Packets whose list was erased stay failed.
    """
    from initiative.filing.tasks import build_packet_task

    now = timezone.now()
    due = (
        Packet.objects.filter(initiative__personal_data_deleted_at__isnull=True)
        .filter(
            Q(status=PacketStatus.FAILED) | Q(status=PacketStatus.BUILDING, created_at__lte=now - STALE_AFTER)
        )
        .exclude(error=PacketAbandoned.__name__)
    )
    ordered = 0
    for packet_id in due.values_list("pk", flat=True):
        build_packet_task.delay(packet_id)
        ordered += 1
    return ordered


def packet_build(packet_id: int) -> str:
    """Build, seal and store the packet; returns its SHA-256 ("" when another run is building it now)."""
    started = time.monotonic()
    written: list[str] = []  # the stored file, to delete if the row does not commit
    try:
        with transaction.atomic():
            packet = (
                Packet.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("initiative__municipality")
                .filter(pk=packet_id)
                .first()
            )
            if packet is None:
                if not Packet.objects.filter(pk=packet_id).exists():
                    raise Packet.DoesNotExist(f"no packet {packet_id}")
                logger.info("packet %s is being built by another run; leaving it", packet_id)
                return ""
            if packet.status == PacketStatus.READY:
                return packet.sha256
            if packet.initiative.personal_data_deleted_at is not None:
                # Retention has erased the list: a packet built now would list blank rows. Leave it failed.
                raise PacketAbandoned(f"packet {packet_id}: the initiative's personal data were deleted")
            _build(packet, written)
            send_packet_ready(packet)
    except BaseException as error:
        _delete_unless_committed(packet_id, written)
        # The transaction has rolled back and released the row; mark it failed unless a concurrent run
        # finished it meanwhile (the UPDATE waits for that run's lock and then sees `ready`).
        Packet.objects.filter(pk=packet_id).exclude(status=PacketStatus.READY).update(
            status=PacketStatus.FAILED, error=type(error).__name__[:200]
        )
        logger.warning("packet %s failed: %s", packet_id, type(error).__name__)
        raise
    logger.info(
        "packet %s built: %s records, %s bytes, %.1f s",
        packet.pk,
        packet.records,
        packet.size_bytes,
        time.monotonic() - started,
    )
    return packet.sha256


def _delete_unless_committed(packet_id: int, written: list[str]) -> None:
    """Delete the file this run stored, unless its row committed naming it.

    An exception can come after the commit too: from the transaction's on-commit callbacks (the outbox's
    nudge publishing to a slow broker), or a SIGTERM that lands there. The filed packet's one file must
    not go with it. When the database cannot say, the file stays: a file no row names is the lesser harm.
    """
    if not written:
        return
    try:
        committed = Packet.objects.filter(pk=packet_id, file__in=written).exists()
    except DatabaseError:
        committed = True
    if not committed:
        for name in written:
            default_storage.delete(name)


def _build(packet: Packet, written: list[str]) -> None:
    """Render, seal and store a locked packet row; the caller's transaction commits it.

    Each step is a function of its own, which bench/packet_build.py times (its process only)."""
    rendered = packet_render(packet)
    sealed = seal_pdf(rendered.data)
    packet.merkle_root, packet.records = rendered.merkle_root, rendered.records
    del rendered  # the unsealed copy: with scans attached, hundreds of MiB not needed any more
    packet_store(packet, sealed, written)


def packet_store(packet: Packet, sealed: bytes, written: list[str]) -> None:
    """Store the sealed file and mark the row ready (`written` gets the file's name)."""
    written.append(packet_file_store(packet, sealed))
    packet.sha256 = hashlib.sha256(sealed).hexdigest()
    packet.size_bytes = len(sealed)
    packet.ready_at = timezone.now()
    packet.status = PacketStatus.READY
    packet.error = ""
    fields = ["file", "sha256", "merkle_root", "records", "size_bytes", "ready_at", "status", "error"]
    packet.save(update_fields=fields)
