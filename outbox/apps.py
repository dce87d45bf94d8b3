from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every e-mail the platform sends: stored with the change that causes it, delivered at least once."""

    name = "outbox"
    verbose_name = _("Outgoing e-mail")
