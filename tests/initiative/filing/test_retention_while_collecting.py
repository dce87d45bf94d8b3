"""Deletion after the retention periods while an initiative still runs (docs/law.md §Personal data):
withdrawn signatures go, the rest is untouched; a failure leaves one initiative whole; overlapping runs
erase once. What these tests share: tests/initiative/filing/retention_cases.py.
"""

# ruff: noqa: F811  (the fixtures imported from retention_cases.py are named again as test arguments)

import datetime
import logging

import pytest
from django.db import connection
from django.utils import timezone

from initiative.errors import TransitionRefused
from initiative.filing.retention import retention_run
from initiative.lifecycle import Status
from municipalities.models import SignatureMethod
from personal_data.models import DeletionLog
from signatures.models import PaperSheetScan, Signature
from signatures.retention import signatures_erase
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.tokens import confirm_token, withdraw_token
from tests.concurrently import at_once
from tests.initiative.conftest import paper_supporter, sign_on_paper
from tests.initiative.filing.retention_cases import (  # noqa: F401  (fixtures)
    DAY,
    RETENTION_DAYS,
    ROWS,
    another_collecting,
    collect,
    finish,
    kept,
    last_day_of_january,
    nothing_erased,
    notices,
    periods,
    raw_signature_columns,
    stored_files,
)

pytestmark = pytest.mark.usefixtures("media")


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
