import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipalities.models import SignatureMethod
from personal_data.fields import EncryptedTextField


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    WITHDRAWN = "withdrawn", pgettext_lazy("signature status", "withdrawn")
    # A person who had signed declares again by e-mail from another address: that address gets what a first
    # signer gets and may confirm or withdraw, but the row is never live and never counted
    # (signatures/repeats.py; docs/security.md "Who signed: answers that reveal nothing").
    REPEATED = "repeated", _("repeated by a person who had signed (never counted)")


LIVE_STATUSES = (SignatureStatus.PENDING, SignatureStatus.CONFIRMED)


class Verdict(models.TextChoices):
    """The council office's finding on one signature after filing (docs/law.md §The council office)."""

    UNCHECKED = "unchecked", _("not checked yet")
    VALID = "valid", _("valid")
    INVALID = "invalid", _("invalid")


class InvalidReason(models.TextChoices):
    NOT_IN_REGISTER = "not_in_register", _("not in the register of voters")
    NOT_RESIDENT = "not_resident", _("not a resident")
    UNDER_18 = "under_18", _("under 18")
    DUPLICATE = "duplicate", _("duplicate")
    INCOMPLETE = "incomplete", _("incomplete")
    ILLEGIBLE = "illegible", _("illegible")
    # A paper row whose original sheet did not reach the office: the scan alone is not a signature.
    NO_ORIGINAL = "no_original", _("original sheet not delivered")


class Signature(models.Model):
    """One person's support for one initiative, in one form; personal fields encrypted at rest.

    The keyed hash of the person's normalised identity is unique per initiative among live signatures,
    whatever the form: the database itself refuses a second one (docs/law.md §Forms of support).
    """

    initiative = models.ForeignKey(
        "initiative.Initiative", on_delete=models.PROTECT, related_name="signatures", db_index=False
    )
    method = models.CharField(_("form of signature"), max_length=20, choices=SignatureMethod)
    status = models.CharField(_("status"), max_length=12, choices=SignatureStatus)
    identity_hash = models.CharField(max_length=64)
    first_names = EncryptedTextField(_("first names"))
    last_name = EncryptedTextField(_("last name"))
    address = EncryptedTextField(_("address"))
    pesel = EncryptedTextField(_("PESEL"), blank=True)
    birth_date = EncryptedTextField(_("date of birth"), blank=True)
    email = EncryptedTextField(_("e-mail address"), blank=True)
    # E-mail declarations: a keyed hash of the normalised mailbox, scoped to the initiative, so that the
    # declarations confirmed from one address can be counted without decrypting any (signatures/mailbox.py).
    email_hash = models.CharField(max_length=64, blank=True, default="")
    citizenship = models.CharField(_("citizenship"), max_length=2)
    signed_on = models.DateField(_("signed on"))
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Paper entries: the committee member who typed the row (only they and, after filing, clerks see it).
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # E-signatures: the validation summary kept as evidence for the packet (no personal data in it).
    evidence = models.JSONField(null=True, blank=True)
    # The clerk's verdict: a reason when invalid, none otherwise (checked by the database).
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict, default=Verdict.UNCHECKED)
    verdict_reason = models.CharField(_("reason"), max_length=20, choices=InvalidReason, blank=True)
    verdict_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "identity_hash"],
                condition=Q(status__in=LIVE_STATUSES),
                name="signature_one_per_person",
            ),
            models.CheckConstraint(
                name="signature_known_status", condition=Q(status__in=[s.value for s in SignatureStatus])
            ),
            models.CheckConstraint(
                name="signature_confirmed_has_time",
                condition=~Q(status=SignatureStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="signature_known_verdict", condition=Q(verdict__in=[v.value for v in Verdict])
            ),
            models.CheckConstraint(
                name="signature_reason_only_when_invalid",
                condition=(Q(verdict=Verdict.INVALID) & ~Q(verdict_reason=""))
                | (~Q(verdict=Verdict.INVALID) & Q(verdict_reason="")),
            ),
        ]
        indexes = [
            models.Index(fields=["initiative", "status", "method"], name="signature_by_initiative"),
            models.Index(fields=["initiative", "verdict"], name="signature_by_verdict"),
            # The cap of declarations confirmed from one mailbox (signatures/mailbox.py).
            models.Index(
                fields=["initiative", "email_hash"], condition=~Q(email_hash=""), name="signature_by_mailbox"
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.pk} ({self.method}, {self.status})"

    @property
    def status_shown(self) -> str:
        """The status the holder of its links sees: a repeat declaration shows as a first one would.

        A repeat declaration stays `repeated` (never live, never counted) and records what its holder did
        by the stamps alone, so that its links answer exactly as a first signer's do.
        """
        if self.status != SignatureStatus.REPEATED:
            return self.status
        if self.withdrawn_at is not None:
            return SignatureStatus.WITHDRAWN
        if self.confirmed_at is not None:
            return SignatureStatus.CONFIRMED
        return SignatureStatus.PENDING


class SignatureTally(models.Model):
    """Counters of confirmed signatures per initiative and form, split into shards.

    A confirmation adds one to a random shard in the same transaction, so the sum is exact (never a lost or
    double count) while concurrent signers rarely wait on the same row, and reading the count is a sum of
    a few rows however many signatures there are (alphagov/e-petitions counts separately for the same
    reason).
    """

    SHARDS = 16

    initiative = models.ForeignKey("initiative.Initiative", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20, choices=SignatureMethod)
    shard = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "method", "shard"], name="tally_one_row_per_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}/{self.method}/{self.shard}: {self.count}"


def paper_scan_path(instance: "PaperSheetScan", filename: str) -> str:
    """A random name per stored file: the upload's own name (often a person's) is never used, and nobody
    can guess another sheet's file."""
    return f"paper-scans/{instance.initiative_id}/{secrets.token_urlsafe(32)}"


class ScanType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class PaperSheetScan(models.Model):
    """The scan of one returned paper sheet, matched to its rows by the sheet number printed on it.

    One scan per sheet: uploading again replaces it while the initiative collects. The file holds
    supporters' names, addresses and handwriting, so it is stored encrypted, in binary
    (signatures.paper.services);
    `sha256` is of the scan as uploaded, for the packet's integrity appendix.
    """

    initiative = models.ForeignKey(
        "initiative.Initiative", on_delete=models.PROTECT, related_name="paper_scans", db_index=False
    )
    sheet_number = models.PositiveIntegerField(_("sheet number"))
    file = models.FileField(upload_to=paper_scan_path, max_length=200)
    content_type = models.CharField(max_length=40, choices=ScanType)
    sha256 = models.CharField(max_length=64)
    # Bytes of the scan as uploaded: the initiative's scans together stay under PAPER_SCANS_MAX_BYTES.
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sheet_number"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "sheet_number"], name="paper_scan_one_per_sheet"),
            models.CheckConstraint(name="paper_scan_sheet_positive", condition=Q(sheet_number__gte=1)),
            models.CheckConstraint(
                name="paper_scan_known_type", condition=Q(content_type__in=[t.value for t in ScanType])
            ),
        ]

    def __str__(self) -> str:
        return f"scan of sheet {self.sheet_number} ({self.initiative_id})"


def signed_file_path(instance: "SignedFile", filename: str) -> str:
    """Random, like a scan's: nothing in the path says whose signature it holds."""
    return f"signed-files/{instance.initiative_id}/{secrets.token_urlsafe(32)}"


class SignedFile(models.Model):
    """The very file a supporter uploaded with an electronic signature (a PAdES PDF, later a XAdES XML).

    It travels with the packet so that the council's office can validate the signature itself with any tool
    (docs/law.md §The packet); the platform's own validation is only a summary of it. It names the person
    and carries the PESEL, so it is stored encrypted, bound to its signature (signatures.signed_files), and
    erased with the signature's personal data. `sha256` is of the file as uploaded, as its evidence states.
    """

    signature = models.OneToOneField(Signature, on_delete=models.CASCADE, related_name="signed_file")
    initiative = models.ForeignKey(
        "initiative.Initiative", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    file = models.FileField(upload_to=signed_file_path, max_length=200)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"signed file of signature {self.signature_id}"


class TrustedService(models.Model):
    """A qualified certification service from the EU trusted list of a member state (ETSI TS 119 612),
    loaded by `import_trusted_list`: a certificate a qualified signature's chain may end in
    (signatures.trust; docs/law.md §Forms of support). No personal data: CAs only."""

    territory = models.CharField(max_length=2)
    sequence_number = models.PositiveIntegerField()  # of the list it came from
    provider = models.CharField(max_length=300)
    name = models.CharField(max_length=500)
    certificate = models.BinaryField()  # DER
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "sha256"], name="trusted_service_once_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.territory} {self.provider}: {self.name}"
