from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

from personal_data.encryption import key_id_of, newest_key_id
from personal_data.fields import EncryptedTextField
from personal_data.rotation import reencrypt_files

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data (columns and stored files) sealed under an older key with the newest of "
        "FIELD_ENCRYPTION_KEYS; afterwards the older keys can be removed."
    )

    def handle(self, *args, **options):
        newest = newest_key_id()
        total = 0
        for model in apps.get_models():
            names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            if names:
                count = self._reencrypt(model, names, newest)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        for label, count in reencrypt_files(newest).items():
            total += count
            self.stdout.write(f"{label}: {count} files re-encrypted")
        self.stdout.write(f"done: {total} rows and files now under key {newest}")

    def _reencrypt(self, model, names: list[str], newest: str) -> int:
        raw = {f"raw_{name}": Cast(F(name), output_field=TextField()) for name in names}
        count, last_pk = 0, 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .annotate(**raw)
                    .order_by("pk")[:BATCH]
                )
                if not rows:
                    return count
                for row in rows:
                    stale = [n for n in names if (v := getattr(row, f"raw_{n}")) and key_id_of(v) != newest]
                    if stale:
                        row.save(update_fields=stale)  # saving seals again, under the newest key
                        count += 1
                last_pk = rows[-1].pk
