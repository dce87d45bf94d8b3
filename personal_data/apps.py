from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalDataConfig(AppConfig):
    """Protection of personal data: encryption at rest, keyed hashes, and (later) access and deletion logs."""

    name = "personal_data"
    verbose_name = _("Personal data")
