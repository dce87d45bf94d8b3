from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import (  # noqa: F401  (their receivers: the owner's e-mail, the idle clock)
            idle_timeout,
            lockout,
        )
        from accounts.cache_table import cache_table_create

        post_migrate.connect(cache_table_create, sender=self, dispatch_uid="accounts.cache_table")
