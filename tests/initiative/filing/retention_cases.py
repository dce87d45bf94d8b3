"""What the retention tests share (tests/initiative/filing/test_retention*.py): the periods, a clock that
stands on 31 January 2026, initiatives collected, filed and finished through the services, and the raw
reads that show what was erased and what stayed."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from initiative import services
from initiative.filing.deadlines import consideration_deadline
from initiative.filing.packet.integrity import merkle_root, record_hash
from initiative.filing.packet.storage import packet_file_store
from initiative.filing.submit import initiative_submit
from initiative.lifecycle import Action, Status
from initiative.models import (
    CommitteeMember,
    Initiative,
    Packet,
    PacketStatus,
)
from municipalities.models import SignatureMethod
from outbox.models import Email
from personal_data.models import DeletionLog
from signatures.models import Signature, SignatureTally
from signatures.paper.services import paper_scan_upload
from signatures.selectors import support_count
from signatures.services import signature_submit
from tests.clock import frozen_at
from tests.initiative.conftest import FILED_THRESHOLD, complete_committee, paper_supporter, sign_on_paper

RETENTION_DAYS = 90
SCAN = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PERSONAL_COLUMNS = "first_names, last_name, address, pesel, birth_date, email"
SUPPORTERS = 6
ROWS = SUPPORTERS + 1  # and the repeat declaration `collect` makes, holding the address it gave
COMMITTEE = 5
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def last_day_of_january():
    """The initiatives end on 31 January 2026, at noon in Warsaw: the periods run across February."""
    with frozen_at(2026, 1, 31, 12):
        yield


@pytest.fixture(autouse=True)
def periods(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = RETENTION_DAYS
    settings.PACKET_RETENTION_DAYS = 365


def notices(initiative):
    """The e-mails to supporters that `collect` causes, in the outbox (sent or still waiting)."""
    return Email.objects.filter(reference__startswith=f"initiative:{initiative.pk}/supporters/")


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


# -- initiatives at their end ----------------------------------------------------------------------------


def collect(initiative: Initiative, author) -> Initiative:
    """Six paper rows, the scan of their sheet, and a repeat declaration holding an e-mail address."""
    sign_on_paper(initiative, author, SUPPORTERS)
    paper_scan_upload(
        initiative_id=initiative.pk,
        actor=author,
        sheet_number=1,
        upload=SimpleUploadedFile("Kowalski arkusz.pdf", SCAN, content_type="application/pdf"),
    )
    # The first paper supporter signs again by e-mail: not counted again; that address gets what a first
    # signer gets, from a repeat row holding it (signatures/repeats.py). A paper signer gave no address,
    # so no "already signed" notice goes anywhere.
    again = signature_submit(
        initiative_id=initiative.pk,
        data={**paper_supporter(1), "email": "anna.zdzblo@example.org"},
        method=SignatureMethod.EMAIL,
    )
    assert again.duplicate
    return initiative


def file_with_a_ready_packet(initiative: Initiative, author, *, order_build: bool) -> Packet:
    """File through the committee's submit; or, where on-commit tasks run at once (transactional tests),
    make the same move on the locked row without ordering the build, which would write a packet of its
    own beside the stand-in."""
    Initiative.objects.filter(pk=initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    if order_build:
        initiative_submit(initiative_id=initiative.pk, actor=author)
    else:
        with transaction.atomic():
            locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
            now = timezone.now()
            locked.transition(
                Action.SUBMIT,
                actor=author,
                submitted_at=now,
                consideration_deadline=consideration_deadline(now),
            )
            Packet.objects.create(initiative=locked, version=1)
    packet = Packet.objects.get(initiative=initiative, version=1)
    content = b"%PDF-1.7 the sealed packet, listing every supporter"
    name = packet_file_store(packet, content)
    records = Signature.objects.filter(initiative=initiative).order_by("pk")
    hashes = [record_hash({"id": row.pk, "identity_hash": row.identity_hash}) for row in records]
    Packet.objects.filter(pk=packet.pk).update(
        status=PacketStatus.READY,
        file=name,
        sha256=hashlib.sha256(content).hexdigest(),
        merkle_root=merkle_root(hashes),
        records=len(hashes),
        size_bytes=len(content),
        ready_at=timezone.now(),
    )
    return Packet.objects.get(pk=packet.pk)


def finish(initiative: Initiative, state: str, *, author, clerk, order_build: bool = True) -> Initiative:
    """Bring a collecting initiative to a final state the way the committee and the council office do."""
    if state == Status.WITHDRAWN:
        services.initiative_withdraw(initiative_id=initiative.pk, actor=author, reason="Zmiana planów.")
    else:
        file_with_a_ready_packet(initiative, author, order_build=order_build)
        # The clerk's verdicts on two rows: they must outlive the personal data.
        first, second = Signature.objects.filter(initiative=initiative).order_by("pk")[:2]
        Signature.objects.filter(pk=first.pk).update(
            verdict="valid", verdict_by=clerk, verdict_at=timezone.now()
        )
        Signature.objects.filter(pk=second.pk).update(
            verdict="invalid", verdict_reason="not_in_register", verdict_by=clerk, verdict_at=timezone.now()
        )
        with transaction.atomic():
            locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
            locked.transition(Action.START_VERIFICATION, actor=clerk)
            if state == Status.REJECTED:
                locked.transition(Action.REJECT, actor=clerk, reason="Za mało ważnych podpisów.")
            else:
                locked.transition(Action.ACCEPT, actor=clerk, session_date=datetime.date(2026, 1, 31))
                locked.transition(
                    Action.RECORD_OUTCOME, actor=clerk, to=state, outcome_resolution_number="XII/345/2026"
                )
    initiative.refresh_from_db()
    assert initiative.status == state and initiative.finished_at is not None
    return initiative


@pytest.fixture
def rejected(collecting_initiative, author, clerk_of_gliwice) -> Initiative:
    return finish(
        collect(collecting_initiative, author), Status.REJECTED, author=author, clerk=clerk_of_gliwice
    )


@pytest.fixture
def another_collecting(start_initiative, join_committee, author):
    """A second Gliwice initiative of the same author, collecting, with its own committee."""

    def make() -> Initiative:
        initiative = start_initiative(author)
        complete_committee(initiative, author, join_committee)
        return services.initiative_open(initiative_id=initiative.pk, actor=author)

    return make


# -- what the database holds -----------------------------------------------------------------------------


def raw_signature_columns(initiative: Initiative) -> list[tuple]:
    """The personal columns as stored, read past the model (no decryption)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {PERSONAL_COLUMNS} FROM {Signature._meta.db_table} WHERE initiative_id = %s ORDER BY id",
            [initiative.pk],
        )
        return cursor.fetchall()


def raw_committee_columns(initiative: Initiative) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name, address FROM {CommitteeMember._meta.db_table} WHERE initiative_id = %s",
            [initiative.pk],
        )
        return cursor.fetchall()


def kept(initiative: Initiative) -> dict:
    """What must survive the deletion unchanged: counts, verdicts, evidence, checksums, timeline. (The keyed
    hashes, pseudonymised data, go with the rest: `fingerprints`.)"""
    return {
        "count": support_count(initiative).by_method,
        "tally": sorted(
            SignatureTally.objects.filter(initiative=initiative).values_list("method", "shard", "count")
        ),
        "rows": list(
            Signature.objects.filter(initiative=initiative)
            .order_by("pk")
            .values_list(
                "pk",
                "method",
                "status",
                "citizenship",
                "signed_on",
                "confirmed_at",
                "verdict",
                "verdict_reason",
                "evidence",
            )
        ),
        "packets": list(
            Packet.objects.filter(initiative=initiative).values_list(
                "version", "status", "sha256", "merkle_root"
            )
        ),
        "timeline": list(initiative.status_changes.values_list("action", "to_status", "at")),
    }


def holds_ciphertext(rows: list[tuple]) -> bool:
    return any(value.startswith("v1.") for row in rows for value in row)


def nothing_erased(initiative: Initiative) -> bool:
    initiative.refresh_from_db()
    rows = raw_signature_columns(initiative)
    return (
        initiative.personal_data_deleted_at is None
        # A repeat declaration's row holds its e-mail address alone (signatures/repeats.py).
        and all(any(value.startswith("v1.") for value in row) for row in rows)
        and all(full_name.startswith("v1.") for full_name, _address in raw_committee_columns(initiative))
        and not DeletionLog.objects.filter(initiative_id=initiative.pk).exists()
    )


# -- personal data after the end -------------------------------------------------------------------------


def fingerprints(initiative: Initiative) -> list[tuple[str, str]]:
    """Each signature's identity and mailbox hashes, in row order."""
    return list(
        Signature.objects.filter(initiative=initiative)
        .order_by("pk")
        .values_list("identity_hash", "email_hash")
    )
