"""Files sealed under FIELD_ENCRYPTION_KEYS, moved to the newest key by `reencrypt_personal_data`.

Encrypted columns are found by their field type; encrypted files live in storage, in each app's own
format, so each app that stores some registers how to open and seal one of its files again (in its
AppConfig.ready). The mechanics, the same for every kind, live here once: a file is rewritten under a new
random name, its row points to it in the same transaction, and the old file goes only after the commit.
"""

import functools
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import models, transaction

from personal_data.encryption import key_id_of_file

Rows = Callable[[], models.QuerySet]  # the rows whose `file` holds an encrypted file
Reseal = Callable[[models.Model, bytes], bytes]  # a row and its stored file → the file under the newest key

_kinds: dict[str, tuple[Rows, Reseal]] = {}


def register_encrypted_files(label: str, rows: Rows, reseal: Reseal) -> None:
    _kinds[label] = (rows, reseal)


def reencrypt_files(newest: str) -> dict[str, int]:
    """Every registered file not sealed under `newest`, sealed again under it; counts by kind."""
    return {label: _reencrypt_kind(rows, reseal, newest) for label, (rows, reseal) in _kinds.items()}


def _reencrypt_kind(rows, reseal, newest: str) -> int:
    count = 0
    for pk in rows().exclude(file="").order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            row = rows().select_for_update().filter(pk=pk).exclude(file="").first()
            if row is None:
                continue  # its file was deleted meanwhile (retention)
            with row.file.open("rb") as handle:
                stored = handle.read()
            if key_id_of_file(stored) == newest:
                continue
            old_name, storage = row.file.name, row.file.storage
            row.file.save("rotated", ContentFile(reseal(row, stored)), save=False)
            try:
                row.save(update_fields=["file"])
            except BaseException:
                storage.delete(row.file.name)
                raise
            transaction.on_commit(functools.partial(storage.delete, old_name))
        count += 1
    return count
