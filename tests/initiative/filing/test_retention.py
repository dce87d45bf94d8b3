"""Deletion after the retention periods (docs/law.md §Personal data): personal data, packet files, withdrawn
signatures.

Initiatives reach their final states through the services and the model's transition (on a locked row,
as the council office's decisions do); time moves by passing `now=` to the run. Files go to a directory
of each test through the storage API. The packet's file is a stand-in written where the packet build
stores it: what matters here is that it goes when its time comes and its checksums stay.

What the retention tests share: tests/initiative/filing/retention_cases.py; deletion while an initiative
still runs: test_retention_while_collecting.py.
"""

# ruff: noqa: F811  (the fixtures imported from retention_cases.py are named again as test arguments)

import datetime

import pytest
from django.utils import timezone

from initiative.filing.retention import retention_run
from initiative.lifecycle import Status
from initiative.models import (
    CommitteeInvitation,
    CommitteeMember,
    Initiative,
    Packet,
    PacketStatus,
)
from personal_data.models import DeletionLog
from signatures.models import PaperSheetScan, Signature
from tests.initiative.conftest import paper_supporter
from tests.initiative.filing.retention_cases import (  # noqa: F401  (fixtures)
    COMMITTEE,
    DAY,
    RETENTION_DAYS,
    ROWS,
    SUPPORTERS,
    collect,
    fingerprints,
    finish,
    holds_ciphertext,
    kept,
    last_day_of_january,
    nothing_erased,
    notices,
    periods,
    raw_committee_columns,
    raw_signature_columns,
    rejected,
    stored_files,
)

pytestmark = pytest.mark.usefixtures("media")


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
    # Counts, verdicts, evidence, checksums and the timeline are exactly as they were.
    assert kept(initiative) == before
    # The keyed hashes are pseudonymised data: gone too, each replaced by a value of its own row's.
    rows = Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True)
    assert fingerprints(initiative) == [(f"erased:{pk}", "") for pk in rows]
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
