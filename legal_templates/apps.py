from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def shipped_templates_load(sender, using, plan=None, **kwargs) -> None:
    """After `migrate`, the shipped catalogue is in the database: a fresh production database has its
    templates without any other command (docs/contract.md, `load_templates` stays for reloading). Only a
    real migrate passes a plan: a test's flush, which empties the tables, loads nothing."""
    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    from legal_templates.services import templates_load

    templates_load()


class LegalTemplatesConfig(AppConfig):
    name = "legal_templates"

    def ready(self) -> None:
        post_migrate.connect(shipped_templates_load, sender=self, dispatch_uid="legal_templates.shipped")
