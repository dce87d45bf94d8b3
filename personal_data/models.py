"""The logs of personal data (docs/law.md §Personal data): who read whose data, and what was deleted when.

Neither log holds personal data itself: an access row names the reader, the initiative and what was shown
(how many records, which filter), a deletion row the counts. Both are read by operators in the admin.
They refer to initiatives by id, not by foreign key, so that this app stays below the others.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonalDataAccess(models.Model):
    """One view of supporters' or committee members' data by a person (a clerk, say)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    initiative_id = models.PositiveBigIntegerField(_("initiative"), db_index=True)
    what = models.CharField(_("what"), max_length=40)  # e.g. "signature_list", "csv_export", "packet"
    records = models.PositiveIntegerField(_("records shown"), default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)  # filters, page: never data

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what} {self.initiative_id}"


class DeletionLog(models.Model):
    """One run of deletion for one initiative: what was erased, leaving counts and hashes."""

    class Kind(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("personal data")
        PACKET_FILE = "packet_file", _("packet file")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    initiative_id = models.PositiveBigIntegerField(_("initiative"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    signatures = models.PositiveIntegerField(_("signatures erased"), default=0)
    committee_members = models.PositiveIntegerField(_("committee declarations erased"), default=0)
    files = models.PositiveIntegerField(_("files deleted"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.initiative_id}"
