"""Deletion after the retention periods (docs/law.md §Personal data): personal data, packet files, withdrawn
signatures.

Initiatives reach their final states through the services and the model's transition (on a locked row,
as the council office's decisions do); time moves by passing `now=` to the run. Files go to a directory
of each test through the storage API. The packet's file is a stand-in written where the packet build
stores it: what matters here is that it goes when its time comes and its checksums stay.
"""

import datetime
import hashlib
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from initiative import services
from initiative.errors import TransitionRefused
from initiative.filing.deadlines import consideration_deadline
from initiative.filing.packet.integrity import merkle_root, record_hash
from initiative.filing.packet.storage import packet_file_store
from initiative.filing.retention import retention_run
from initiative.filing.submit import initiative_submit
from initiative.lifecycle import Action, Status
from initiative.models import (
    CommitteeInvitation,
    CommitteeMember,
    Initiative,
    Packet,
    PacketStatus,
)
from municipalities.models import SignatureMethod
from outbox.models import Email
from personal_data.models import DeletionLog
from signatures.models import PaperSheetScan, Signature, SignatureTally
from signatures.paper.services import paper_scan_upload
from signatures.retention import signatures_erase
from signatures.selectors import support_count
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.tokens import confirm_token, withdraw_token
from tests.clock import frozen_at
from tests.concurrently import at_once
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


pytestmark = pytest.mark.usefixtures("media")


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
    """What must survive the deletion unchanged: counts, hashes, verdicts, evidence, checksums, timeline."""
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
                "identity_hash",
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


def test_nothing_is_deleted_before_the_period(rejected, media):
    before = kept(rejected)
    files = stored_files(media)
    assert len(files) == 2  # the scan and the packet
    # Ended at noon on 31 January; 90 days of 24 hours on, past the change of clocks: 13:00 on 1 May.
    due = datetime.datetime(2026, 5, 1, 11, tzinfo=datetime.UTC)
    assert rejected.finished_at + RETENTION_DAYS * DAY == due

    result = retention_run(now=due - datetime.timedelta(seconds=1))

    assert not any(result.values()), result
    assert nothing_erased(rejected)
    assert kept(rejected) == before and stored_files(media) == files
    assert notices(rejected).count() == 1
    assert CommitteeInvitation.objects.filter(initiative=rejected).count() == COMMITTEE - 1


@pytest.mark.parametrize("state", [Status.REJECTED, Status.ADOPTED, Status.NOT_ADOPTED, Status.WITHDRAWN])
def test_after_the_period_personal_data_are_gone_and_counts_and_hashes_stay(
    state, collecting_initiative, author, clerk_of_gliwice, media
):
    initiative = finish(collect(collecting_initiative, author), state, author=author, clerk=clerk_of_gliwice)
    assert holds_ciphertext(raw_signature_columns(initiative))
    assert holds_ciphertext(raw_committee_columns(initiative))
    assert notices(initiative).filter(sent_at__isnull=True).count() == 1
    before = kept(initiative)
    assert before["count"] == {"paper": SUPPORTERS}
    packet_files = [name for name in stored_files(media) if name.startswith("packets/")]
    now = initiative.finished_at + RETENTION_DAYS * DAY

    result = retention_run(now=now)

    assert result["initiatives"] == 1 and result["failed"] == 0
    assert (result["signatures"], result["committee_members"], result["paper_scans"]) == (
        ROWS,
        COMMITTEE,
        1,
    )
    # No personal data left, not even as ciphertext, in the raw columns.
    signature_rows = raw_signature_columns(initiative)
    assert len(signature_rows) == ROWS and all(value == "" for row in signature_rows for value in row)
    committee_rows = raw_committee_columns(initiative)
    assert len(committee_rows) == COMMITTEE and all(value == "" for row in committee_rows for value in row)
    assert not CommitteeMember.objects.filter(initiative=initiative, erased_at__isnull=True).exists()
    assert not CommitteeInvitation.objects.filter(initiative=initiative).exists()
    assert not notices(initiative).exists()  # it had not gone: it never will, with its address
    assert not PaperSheetScan.objects.filter(initiative=initiative).exists()
    # The scan's file is gone from storage; the packet's file follows its own, longer period.
    assert stored_files(media) == packet_files
    # Counts, hashes, verdicts, evidence, checksums and the timeline are exactly as they were.
    assert kept(initiative) == before
    initiative.refresh_from_db()
    assert initiative.personal_data_deleted_at == now and initiative.status == state
    (log,) = DeletionLog.objects.filter(initiative_id=initiative.pk)
    assert (log.kind, log.signatures, log.committee_members, log.files) == (
        "personal_data",
        ROWS,
        COMMITTEE,
        1,
    )
    assert log.at == now
    assert "Źdźbło" not in log.note and "@" not in log.note


def test_a_second_run_does_nothing_and_logs_nothing(rejected, media):
    now = rejected.finished_at + 400 * DAY
    first = retention_run(now=now)
    assert first["initiatives"] == 1 and first["packet_files"] == 1
    logs = list(DeletionLog.objects.values_list("pk", flat=True))
    assert len(logs) == 2
    after_first = kept(rejected)

    second = retention_run(now=now + DAY)

    assert not any(second.values()), second
    assert list(DeletionLog.objects.values_list("pk", flat=True)) == logs
    assert kept(rejected) == after_first
    rejected.refresh_from_db()
    assert rejected.personal_data_deleted_at == now


def test_the_daily_task_runs_the_deletion_for_the_present(rejected, media):
    from initiative.filing.tasks import delete_personal_data_task

    # The initiative ended 91 days ago (its end moved back; the task itself reads the clock).
    Initiative.objects.filter(pk=rejected.pk).update(finished_at=timezone.now() - (RETENTION_DAYS + 1) * DAY)

    result = delete_personal_data_task.delay().get()

    # The supporters' rows and the repeat declaration's, which holds an address (see `collect`).
    assert result["initiatives"] == 1 and result["signatures"] == ROWS and result["packet_files"] == 0
    rejected.refresh_from_db()
    assert rejected.personal_data_deleted_at is not None


def test_pages_and_the_api_still_answer_after_the_deletion(rejected, author, api_client, client):
    retention_run(now=rejected.finished_at + RETENTION_DAYS * DAY)
    names = [paper_supporter(number)["last_name"] for number in range(1, SUPPORTERS + 1)]

    page = client.get(f"/initiatives/{rejected.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert rejected.title in text
    assert not any(name in text for name in names) and "Członek Komitetu" not in text
    assert "names were deleted on" in text and "<li></li>" not in text
    detail = api_client.get(f"/api/v1/initiatives/{rejected.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == "rejected" and body["signature_count"] == SUPPORTERS
    members = [(member["full_name"], member["erased"]) for member in body["committee"]]
    assert members == [("", True)] * COMMITTEE
    listing = api_client.get("/api/v1/initiatives/", {"status": "rejected"})
    assert listing.status_code == 200 and [row["id"] for row in listing.json()["results"]] == [rejected.pk]


# -- the packet's file -----------------------------------------------------------------------------------


def test_the_packet_file_follows_the_councils_own_period(rejected, media):
    unit = rejected.municipality
    unit.packet_retention_days = 30
    unit.save(update_fields=["packet_retention_days"])
    packet = Packet.objects.get(initiative=rejected)
    checksums = (packet.sha256, packet.merkle_root)
    assert packet.file.name in stored_files(media)

    early = retention_run(now=rejected.finished_at + 29 * DAY)

    assert early["packet_files"] == 0
    assert packet.file.name in stored_files(media)
    assert not DeletionLog.objects.exists()

    now = rejected.finished_at + 30 * DAY
    result = retention_run(now=now)

    assert result["packet_files"] == 1 and result["initiatives"] == 0  # personal data keep their own period
    assert packet.file.name not in stored_files(media)
    packet.refresh_from_db()
    assert (packet.sha256, packet.merkle_root) == checksums and packet.status == PacketStatus.READY
    assert packet.file_deleted_at == now and not packet.file
    (log,) = DeletionLog.objects.all()
    assert (log.initiative_id, log.kind, log.files) == (rejected.pk, "packet_file", 1)
    rejected.refresh_from_db()
    assert rejected.personal_data_deleted_at is None  # the personal data keep their own period
    assert all(any(value.startswith("v1.") for value in row) for row in raw_signature_columns(rejected))


def test_the_packet_download_says_the_file_was_deleted(rejected, author, api_client):
    api_client.force_authenticate(author)
    url = f"/api/v1/initiatives/{rejected.pk}/packet.pdf"
    packet = Packet.objects.get(initiative=rejected)
    before = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert before.status_code == 200
    assert before.content.startswith(b"%PDF")

    retention_run(now=rejected.finished_at + 400 * DAY)

    after = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert after.status_code == 404
    assert "retention" in after.json()["detail"] and packet.sha256 in after.json()["detail"]


def test_without_a_council_setting_the_packet_file_follows_the_platforms_default(rejected, media, settings):
    settings.PACKET_RETENTION_DAYS = 120
    assert rejected.municipality.packet_retention_days is None
    packet = Packet.objects.get(initiative=rejected)

    kept_a_day_early = retention_run(now=rejected.finished_at + 119 * DAY)
    assert kept_a_day_early["initiatives"] == 1 and kept_a_day_early["packet_files"] == 0
    assert packet.file.name in stored_files(media)

    result = retention_run(now=rejected.finished_at + 120 * DAY)

    assert result["packet_files"] == 1
    assert stored_files(media) == []
    packet.refresh_from_db()
    assert packet.file_deleted_at is not None and packet.sha256 and packet.merkle_root
    assert sorted(DeletionLog.objects.values_list("kind", flat=True)) == ["packet_file", "personal_data"]


# -- withdrawals and initiatives still running -----------------------------------------------------------


def test_a_withdrawal_is_erased_after_the_period_while_the_initiative_collects(
    collecting_initiative, author, media
):
    sign_on_paper(collecting_initiative, author, 3)
    email_supporter = {**paper_supporter(20), "email": "ewa.zdzblo@example.org"}
    signature = signature_submit(
        initiative_id=collecting_initiative.pk, data=email_supporter, method=SignatureMethod.EMAIL
    ).signature
    signature_confirm(token=confirm_token(signature.pk))
    signature_withdraw(token=withdraw_token(signature.pk))
    signature.refresh_from_db()
    before = kept(collecting_initiative)
    assert signature.status == "withdrawn" and signature.last_name == email_supporter["last_name"]

    early = retention_run(now=signature.withdrawn_at + RETENTION_DAYS * DAY - datetime.timedelta(seconds=1))
    assert early["withdrawn_signatures"] == 0
    signature.refresh_from_db()
    assert signature.email == email_supporter["email"]

    result = retention_run(now=signature.withdrawn_at + RETENTION_DAYS * DAY)

    assert result["withdrawn_signatures"] == 1 and result["initiatives"] == 0
    rows = dict(
        zip(
            Signature.objects.filter(initiative=collecting_initiative)
            .order_by("pk")
            .values_list("pk", flat=True),
            raw_signature_columns(collecting_initiative),
            strict=True,
        )
    )
    assert all(value == "" for value in rows.pop(signature.pk))
    assert len(rows) == 3 and all(row[0].startswith("v1.") for row in rows.values())  # the others keep theirs
    assert kept(collecting_initiative) == before  # status, identity hash and the count unchanged
    collecting_initiative.refresh_from_db()
    assert collecting_initiative.status == Status.COLLECTING
    assert collecting_initiative.personal_data_deleted_at is None
    (log,) = DeletionLog.objects.all()
    assert (log.initiative_id, log.kind, log.signatures) == (collecting_initiative.pk, "personal_data", 1)

    assert retention_run(now=signature.withdrawn_at + 400 * DAY)["withdrawn_signatures"] == 0
    assert DeletionLog.objects.count() == 1


def test_an_initiative_still_collecting_is_untouched(collecting_initiative, author, media):
    collect(collecting_initiative, author)
    before = kept(collecting_initiative)
    files = stored_files(media)

    result = retention_run(now=timezone.now() + 3650 * DAY)

    assert not any(result.values()), result
    assert nothing_erased(collecting_initiative)
    assert kept(collecting_initiative) == before and stored_files(media) == files
    assert notices(collecting_initiative).filter(sent_at__isnull=True).count() == 1


def test_the_signatures_layer_refuses_to_erase_a_running_initiative(collecting_initiative, author, media):
    collect(collecting_initiative, author)
    before = kept(collecting_initiative)

    with pytest.raises(TransitionRefused):
        signatures_erase(collecting_initiative.pk)

    assert nothing_erased(collecting_initiative) and kept(collecting_initiative) == before
    assert PaperSheetScan.objects.filter(initiative=collecting_initiative).exists()


def test_a_failure_in_one_initiative_leaves_it_whole_and_the_others_go_on(
    collecting_initiative, another_collecting, author, clerk_of_gliwice, media, caplog
):
    failing = finish(
        collect(collecting_initiative, author), Status.WITHDRAWN, author=author, clerk=clerk_of_gliwice
    )
    other = finish(
        collect(another_collecting(), author), Status.WITHDRAWN, author=author, clerk=clerk_of_gliwice
    )
    # The storage refuses to delete the first initiative's scan (here: a directory that is not empty).
    scan_path = media / PaperSheetScan.objects.get(initiative=failing).file.name
    scan_path.unlink()
    scan_path.mkdir()
    (scan_path / "kept").write_bytes(b"x")
    now = max(failing.finished_at, other.finished_at) + RETENTION_DAYS * DAY

    with caplog.at_level(logging.ERROR, logger="initiative.filing.retention"):
        result = retention_run(now=now)

    assert result["failed"] == 1 and result["initiatives"] == 1
    assert nothing_erased(failing)  # all or nothing: its signatures, committee and scan row are as they were
    assert PaperSheetScan.objects.filter(initiative=failing).exists()
    other.refresh_from_db()
    assert other.personal_data_deleted_at == now
    assert all(value == "" for row in raw_signature_columns(other) for value in row)
    (message,) = [record.getMessage() for record in caplog.records]
    assert str(failing.pk) in message and "OSError" in message
    assert "Źdźbło" not in message and "Gliwice" not in message

    # Once the storage deletes again, the next run finishes the work.
    (scan_path / "kept").unlink()
    retried = retention_run(now=now + DAY)
    assert retried["initiatives"] == 1 and retried["failed"] == 0
    assert all(value == "" for row in raw_signature_columns(failing) for value in row)
    assert DeletionLog.objects.filter(initiative_id=failing.pk).count() == 1


# -- two runs at once ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_erase_once_and_log_once(collecting_initiative, author, clerk_of_gliwice, media):
    rejected = finish(
        collect(collecting_initiative, author),
        Status.REJECTED,
        author=author,
        clerk=clerk_of_gliwice,
        order_build=False,
    )
    assert Signature.objects.filter(initiative=rejected).count() == ROWS
    now = rejected.finished_at + 400 * DAY
    connection.close()
    results = at_once(lambda: retention_run(now=now), lambda: retention_run(now=now))

    assert sum(result["initiatives"] for result in results) == 1
    assert sum(result["signatures"] for result in results) == ROWS
    assert sum(result["packet_files"] for result in results) == 1
    assert sum(result["failed"] for result in results) == 0
    assert sorted(DeletionLog.objects.values_list("kind", flat=True)) == ["packet_file", "personal_data"]
    assert all(value == "" for row in raw_signature_columns(rejected) for value in row)
    assert stored_files(media) == []
