"""Migration 0005: scans stored as base64 text inside the text form of the encryption become binary, with
their size on the row, and nothing of them is lost; back again when the migration is reversed."""

import base64
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from personal_data.encryption import decrypt, encrypt
from signatures.models import PaperSheetScan
from signatures.scan_files import paper_scan_content

BEFORE = [("signatures", "0004_confirmation_outbox")]
BINARY = [("signatures", "0005_paper_scan_binary_and_size")]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400

pytestmark = pytest.mark.usefixtures("media")


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def text_form(initiative_id: int, sheet_number: int, content: bytes) -> bytes:
    """A scan as signatures.paper.services stored it before: base64 inside the text form of the encryption."""
    context = f"signatures.papersheetscan:{initiative_id}:{sheet_number}"
    return encrypt(base64.b64encode(content).decode("ascii"), context=context).encode("ascii")


def stored_files(media) -> list:
    return sorted(path for path in media.rglob("*") if path.is_file())


@pytest.mark.django_db(transaction=True)
def test_scans_in_base64_text_become_binary_without_loss_and_back(collecting_initiative, author, media):
    executor = migrate(BEFORE)
    try:
        OldScan = executor.loader.project_state(BEFORE).apps.get_model("signatures", "PaperSheetScan")
        contents = {1: PNG, 2: b"%PDF-1.7\n" + bytes(5000)}
        for number, content in contents.items():
            name = default_storage.save(
                f"paper-scans/{collecting_initiative.pk}/old-{number}",
                ContentFile(text_form(collecting_initiative.pk, number, content)),
            )
            OldScan.objects.create(
                initiative_id=collecting_initiative.pk,
                sheet_number=number,
                file=name,
                content_type="image/png" if number == 1 else "application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by_id=author.pk,
            )
        text_sizes = sum(path.stat().st_size for path in stored_files(media))

        migrate(BINARY)

        for number, content in contents.items():
            scan = PaperSheetScan.objects.get(initiative=collecting_initiative, sheet_number=number)
            assert paper_scan_content(scan) == content
            assert scan.size == len(content) and scan.sha256 == hashlib.sha256(content).hexdigest()
            assert "old-" not in scan.file.name
        files = stored_files(media)
        assert len(files) == 2  # the text files are gone
        binary_sizes = sum(path.stat().st_size for path in files)
        assert binary_sizes == sum(len(content) + 40 for content in contents.values())
        assert text_sizes > 1.7 * binary_sizes

        migrate(BINARY)  # a second run finds nothing left to convert
        assert stored_files(media) == files

        migrate(BEFORE)  # reversed: the text form again, which the code before 0005 reads
        for number, content in contents.items():
            row = OldScan.objects.get(initiative_id=collecting_initiative.pk, sheet_number=number)
            with default_storage.open(row.file.name, "rb") as handle:
                text = handle.read().decode("ascii")
            context = f"signatures.papersheetscan:{collecting_initiative.pk}:{number}"
            assert base64.b64decode(decrypt(text, context=context)) == content
        assert len(stored_files(media)) == 2
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_scan_no_key_opens_stops_the_migration_and_changes_nothing(collecting_initiative, author, media):
    executor = migrate(BEFORE)
    try:
        OldScan = executor.loader.project_state(BEFORE).apps.get_model("signatures", "PaperSheetScan")
        good = default_storage.save(
            f"paper-scans/{collecting_initiative.pk}/good",
            ContentFile(text_form(collecting_initiative.pk, 1, PNG)),
        )
        # Sealed for another sheet: it does not open under this one's context, as under a lost key.
        bad = default_storage.save(
            f"paper-scans/{collecting_initiative.pk}/bad",
            ContentFile(text_form(collecting_initiative.pk, 9, PNG)),
        )
        for number, name in ((1, good), (2, bad)):
            OldScan.objects.create(
                initiative_id=collecting_initiative.pk,
                sheet_number=number,
                file=name,
                content_type="image/png",
                sha256=hashlib.sha256(PNG).hexdigest(),
                uploaded_by_id=author.pk,
            )
        before = stored_files(media)

        with pytest.raises(RuntimeError, match="does not open under any key of FIELD_ENCRYPTION_KEYS"):
            migrate(BINARY)

        assert stored_files(media) == before  # the first scan's new file went with the rollback
        assert sorted(OldScan.objects.values_list("file", flat=True)) == sorted([good, bad])
        OldScan.objects.filter(file=bad).delete()
        default_storage.delete(bad)
    finally:
        migrate(latest())
