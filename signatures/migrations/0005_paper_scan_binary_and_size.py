"""Paper scans stored in binary, with their size on the row.

Until now a scan was stored as the text form of personal_data.encryption with the scan in base64 inside
it: base64 twice, 1.78 times the scan. Each stored file is opened, sealed again in the binary form (the
same AES-GCM, key and sheet-bound context) under a new random name, and its row points to the new file
with the scan's size; the old file goes once the migration has committed. Nothing of the scan is lost:
`sha256` (of the scan as uploaded) stays and still matches. A file already in the binary form is left as
it is, so a rerun after a failure goes on where the first run stopped. Reversible.
"""

import base64
import functools
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

from personal_data.encryption import DecryptionFailed, decrypt, decrypt_bytes, encrypt, encrypt_bytes


def _context(scan) -> str:
    return f"signatures.papersheetscan:{scan.initiative_id}:{scan.sheet_number}"


def _read(scan) -> bytes:
    try:
        with default_storage.open(scan.file.name, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise RuntimeError(
            f"The stored file of paper scan {scan.pk} (sheet {scan.sheet_number} of initiative "
            f"{scan.initiative_id}) cannot be read: restore it from a backup, then migrate again."
        ) from error


def _open_binary(stored: bytes, context: str) -> bytes | None:
    try:
        return decrypt_bytes(stored, context=context)
    except DecryptionFailed:
        return None


def _open_text(stored: bytes, context: str) -> bytes | None:
    try:
        return base64.b64decode(decrypt(stored.decode("ascii"), context=context), validate=True)
    except (DecryptionFailed, UnicodeDecodeError, ValueError):
        return None


def _rewrite(scan, sealed: bytes, size: int, written: list[str]) -> None:
    old_name = scan.file.name
    name = default_storage.save(
        f"paper-scans/{scan.initiative_id}/{secrets.token_urlsafe(32)}", ContentFile(sealed)
    )
    written.append(name)
    # Only the two columns: the row's other columns (and their deferred foreign-key checks) are untouched.
    type(scan).objects.filter(pk=scan.pk).update(file=name, size=size)
    transaction.on_commit(functools.partial(default_storage.delete, old_name))


def _unreadable(scan) -> RuntimeError:
    return RuntimeError(
        f"Paper scan {scan.pk} (sheet {scan.sheet_number} of initiative {scan.initiative_id}) does not open "
        "under any key of FIELD_ENCRYPTION_KEYS: configure the key that sealed it, then migrate again."
    )


def _each_scan(apps, convert) -> None:
    PaperSheetScan = apps.get_model("signatures", "PaperSheetScan")
    written: list[str] = []
    try:
        for scan in PaperSheetScan.objects.exclude(file="").order_by("pk").iterator(chunk_size=100):
            convert(scan, written)
    except BaseException:
        for name in written:  # the transaction rolls back: the new files would belong to no row
            default_storage.delete(name)
        raise


def to_binary(apps, schema_editor):
    def convert(scan, written):
        stored, context = _read(scan), _context(scan)
        content = _open_binary(stored, context)
        if content is not None:
            type(scan).objects.filter(pk=scan.pk).update(size=len(content))
            return
        content = _open_text(stored, context)
        if content is None:
            raise _unreadable(scan)
        _rewrite(scan, encrypt_bytes(content, context=context), len(content), written)

    _each_scan(apps, convert)


def to_text(apps, schema_editor):
    def convert(scan, written):
        stored, context = _read(scan), _context(scan)
        if _open_text(stored, context) is not None:
            return
        content = _open_binary(stored, context)
        if content is None:
            raise _unreadable(scan)
        text = encrypt(base64.b64encode(content).decode("ascii"), context=context)
        _rewrite(scan, text.encode("ascii"), len(content), written)

    _each_scan(apps, convert)


class Migration(migrations.Migration):

    dependencies = [
        ("signatures", "0004_confirmation_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="papersheetscan",
            name="size",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(to_binary, to_text),
        migrations.AlterField(
            model_name="papersheetscan",
            name="size",
            field=models.PositiveBigIntegerField(),
        ),
    ]
