import secrets

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from initiative.errors import TransitionRefused
from initiative.lifecycle import (
    COLLECTING_STATES,
    COMMITTEE_EDITABLE_STATES,
    FINISHED_STATES,
    OUTCOME_STATES,
    TRANSITIONS,
    Action,
    Status,
)
from personal_data.fields import EncryptedTextField


class Initiative(models.Model):
    """A draft resolution on its way to the council: the aggregate the committee, clerks and public see."""

    municipality = models.ForeignKey(
        "municipalities.Unit", on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("council")
    )
    template_version = models.ForeignKey(
        "legal_templates.TemplateVersion", on_delete=models.PROTECT, related_name="initiatives"
    )
    fields = models.JSONField(_("template fields"), default=dict)
    justification = models.JSONField(_("justification"), default=dict)
    title = models.CharField(_("title"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Frozen when collection opens, so that the clerk sees which figures and rules applied
    # (docs/law.md §Thresholds).
    signature_threshold = models.PositiveIntegerField(_("signature threshold"), null=True, blank=True)
    population_used = models.PositiveIntegerField(null=True, blank=True)
    population_as_of_used = models.DateField(null=True, blank=True)
    population_source_used = models.CharField(max_length=200, blank=True)
    rules = models.JSONField(_("local rules applied"), null=True, blank=True)

    opened_at = models.DateTimeField(null=True, blank=True)
    collection_ends_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The day the council's office received the filing, recorded by its clerk: the 3-month term and the
    # office's verification term run from it (art. 41a ust. 3 u.s.g.; docs/law.md §Deadlines).
    # The day the committee notified the council's chair, where the council's rules require it before
    # collecting (initiative.chair_notice).
    chair_notified_on = models.DateField(_("council chair notified on"), null=True, blank=True)
    received_on = models.DateField(_("received by the council office on"), null=True, blank=True)
    consideration_deadline = models.DateField(null=True, blank=True)
    verification_deadline = models.DateField(null=True, blank=True)
    # The paper originals the law counts (a scan is not a signature): when they reached the office, and the
    # numbers of the sheets that did not (initiative.clerk.originals).
    originals_received_on = models.DateField(null=True, blank=True)
    originals_missing = models.JSONField(default=list, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    # The council's side (docs/law.md §The council office). One supplement period at most: set when the clerk
    # asks for it.
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    session_date = models.DateField(_("session date"), null=True, blank=True)
    outcome_resolution_number = models.CharField(_("resolution number"), max_length=100, blank=True)
    # When the initiative reached a final state; personal data are deleted a set time after
    # (docs/law.md §Personal data).
    finished_at = models.DateTimeField(null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "collection_ends_at"], name="initiative_status_window")]
        constraints = [
            models.CheckConstraint(
                name="initiative_known_status", condition=Q(status__in=[choice.value for choice in Status])
            ),
            models.CheckConstraint(
                name="initiative_frozen_when_opened",
                condition=Q(opened_at__isnull=True)
                | Q(signature_threshold__isnull=False, population_used__isnull=False, rules__isnull=False),
            ),
            models.CheckConstraint(
                name="initiative_window_after_opening",
                condition=Q(collection_ends_at__isnull=True)
                | Q(collection_ends_at__gt=models.F("opened_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def threshold(self) -> int | None:
        """The signatures needed: the figure frozen at opening (docs/law.md §Thresholds); before that, the
        council's statutory figure today, None while its population is unknown."""
        if self.signature_threshold is not None:
            return self.signature_threshold
        return self.municipality.signature_threshold

    def can(self, action: str) -> bool:
        """Whether the present state allows `action` (the table in initiative.lifecycle). State only: the
        guards that look at other rows (the committee, the count, the rules) stay with the services."""
        return self.status in TRANSITIONS[action][0]

    @property
    def collects_signatures(self) -> bool:
        """The support list is open (lifecycle.COLLECTING_STATES): supporters may sign and withdraw."""
        return self.status in COLLECTING_STATES

    @property
    def committee_editable(self) -> bool:
        """The committee may still change the draft and itself (lifecycle.COMMITTEE_EDITABLE_STATES)."""
        return self.status in COMMITTEE_EDITABLE_STATES

    @property
    def has_outcome(self) -> bool:
        """The council has adopted the draft or not (lifecycle.OUTCOME_STATES)."""
        return self.status in OUTCOME_STATES

    def transition(self, action: str, *, actor, to: str | None = None, reason: str = "", **stamps) -> None:
        """Move to the next state: check the table, lock the row, stamp the times, record the change.

        Call inside a transaction on a row fetched with select_for_update(): two committee members
        pressing "open" at once, or a member withdrawing while the expiry task runs, then queue up and
        the second sees the state the first left.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("transition() must run inside transaction.atomic()")
        targets = TRANSITIONS[action][1]
        target = to or (next(iter(targets)) if len(targets) == 1 else None)
        if not self.can(action) or target not in targets:
            raise TransitionRefused(
                gettext("The initiative is %(status)s; it cannot be %(action)s now.")
                % {"status": Status(self.status).label, "action": Action(action).label}
            )
        previous = self.status
        self.status = target
        if target in FINISHED_STATES:
            stamps.setdefault("finished_at", timezone.now())
        for field, value in stamps.items():
            setattr(self, field, value)
        self.save(update_fields=["status", "updated_at", *stamps])
        StatusChange.objects.create(
            initiative=self, action=action, from_status=previous, to_status=target, actor=actor, reason=reason
        )


class StatusChange(models.Model):
    """One step of an initiative's public timeline: who, when, from, to, why."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=24, choices=Action)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.from_status or '∅'} → {self.to_status}"


class PacketStatus(models.TextChoices):
    BUILDING = "building", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


def packet_path(instance: "Packet", filename: str) -> str:
    return f"packets/{instance.initiative_id}/{secrets.token_urlsafe(24)}.pdf"


class Packet(models.Model):
    """One version of the sealed PDF filed with the council (docs/law.md §The packet).

    Filing creates version 1; a supplement period ends in version 2. The row exists from the moment of
    filing, so a task that runs twice finds it and builds one file. Checksums outlive the file, which
    follows the council's retention setting.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="packets")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=PacketStatus, default=PacketStatus.BUILDING)
    file = models.FileField(upload_to=packet_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    merkle_root = models.CharField(max_length=64, blank=True)
    records = models.PositiveIntegerField(null=True, blank=True)  # signature records listed in it
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)  # the exception's type only, never data

    class Meta:
        ordering = ["initiative", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "version"], name="packet_one_per_version"),
            models.CheckConstraint(
                name="packet_ready_has_checksums",
                condition=~Q(status="ready")
                | (~Q(sha256="") & ~Q(merkle_root="") & Q(ready_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"packet v{self.version} of {self.initiative_id} ({self.status})"


class DeliveryChannel(models.TextChoices):
    # The ways a filing reaches the council's office (docs/law.md §Opening and filing).
    EPUAP = "epuap", _("ePUAP, signed by the representative")
    E_DORECZENIA = "e_doreczenia", _("e-Doręczenia, signed by the representative")
    IN_PERSON = "in_person", _("in person at the office, with the paper originals")
    POST = "post", _("by registered post, with the paper originals")


def delivery_receipt_path(instance: "Delivery", filename: str) -> str:
    return f"deliveries/{instance.initiative_id}/{secrets.token_urlsafe(24)}.enc"


class Delivery(models.Model):
    """The committee's record that it delivered a filing to the council's office: the channel, the day and
    the official receipt (UPO of ePUAP, the proof of e-Doręczenia, or a scan of the stamped copy).

    It informs the clerk, who records the day of receipt the law counts from (`Initiative.received_on`).
    The receipt names the sender, so it is stored encrypted (initiative.filing.delivery) and deleted with
    the initiative's other personal data.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="deliveries")
    packet = models.ForeignKey("Packet", on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=16, choices=DeliveryChannel)
    delivered_on = models.DateField(_("delivered on"))
    file = models.FileField(upload_to=delivery_receipt_path, blank=True)
    receipt_type = models.CharField(max_length=50, blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="delivery_known_channel",
                condition=Q(channel__in=[choice.value for choice in DeliveryChannel]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.channel} {self.delivered_on}"


class ReminderKind(models.TextChoices):
    # Before the council's 3-month term ends (art. 41a ust. 3 u.s.g.).
    CONSIDERATION = "consideration", _("the council's term")
    # Before the office's verification term of the council's rules ends.
    VERIFICATION = "verification", _("the verification term")
    # A filing whose receipt the office has not recorded: `deadline` is the day it was expected by.
    RECEIPT = "receipt", _("the day of receipt")


class DeadlineReminder(models.Model):
    """A reminder sent to the council's clerks of one of the terms of a filed draft (initiative.filing.
    reminders).

    Unique per kind, deadline and lead time, so the daily task may run any number of times and each
    reminder goes once.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="deadline_reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind, default=ReminderKind.CONSIDERATION)
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "kind", "deadline", "days_before"], name="deadline_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.days_before} days before {self.deadline}"


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    REPRESENTATIVE = "representative", _("representative (pełnomocnik)")
    DEPUTY = "deputy", _("deputy representative")


class CommitteeMember(models.Model):
    """A person in the initiative's committee with the declaration they signed (name, address, role).

    The first member is the author, who has not declared yet: `declared_at` stays empty until they do,
    and only declared members count towards the committee's minimum size.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="committee_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.MEMBER)
    # Personal data of the declaration, encrypted at rest (docs/law.md §Personal data); empty until the member
    # declares.
    full_name = EncryptedTextField(_("full name"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # The declaration's name and address are erased with the supporters' data after the retention period.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "user"],
                condition=Q(left_at__isnull=True),
                name="committee_one_active_seat",
            ),
            # One representative and one deputy at a time (art. 41a ust. 4 u.s.g. speaks of representatives
            # for the council's work; the local rules name one, and Kraków a deputy).
            models.UniqueConstraint(
                fields=["initiative", "role"],
                condition=Q(left_at__isnull=True, role__in=["representative", "deputy"]),
                name="committee_one_representative_and_deputy",
            ),
            models.CheckConstraint(
                name="committee_declaration_complete",
                condition=Q(declared_at__isnull=True)
                | Q(erased_at__isnull=False)
                | (~Q(full_name="") & ~Q(address="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.user} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class CommitteeInvitation(models.Model):
    """An invitation by e-mail; the link carries a signed token naming this row: nothing secret is stored.

    One pending invitation per address and initiative: inviting the address again renews this one
    (initiative/invitations.py), at most once a day, so that nobody can be sent a stream of e-mails.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    # Who sent its latest e-mail, and when: the daily limits count these.
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                F("initiative"),
                Lower("email"),
                condition=Q(accepted_at__isnull=True),
                name="committee_invitation_one_pending_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.initiative_id}"


class CommitteeContact(models.Model):
    """The committee as the council's office writes to it: its name, correspondence address and contact
    (art. 41a ust. 4 u.s.g.: the office invites the committee's representatives to the council's work).

    Set by the committee (initiative.contact) or, at opening, from what its declarations already say; the
    sheets and the packet print it. The address, e-mail and telephone may be a member's own, so they are
    encrypted at rest and erased with the declarations after the retention period.
    """

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(_("committee name"), max_length=300)
    address = EncryptedTextField(_("correspondence address"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("telephone"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


def signed_packet_path(instance: "SignedPacket", filename: str) -> str:
    return f"signed-packets/{instance.packet.initiative_id}/{secrets.token_urlsafe(24)}.pdf"


class SignedPacketMethod(models.TextChoices):
    QUALIFIED = "qes", _("qualified electronic signature")
    PERSONAL = "personal", _("podpis osobisty (personal signature of the e-ID card)")


class SignedPacket(models.Model):
    """A version of the sealed packet with the committee's signature added after the seal: the filing the
    office receives electronically (docs/law.md §The packet). The platform checked the seal still holds,
    that the sealed bytes are unchanged ahead of the signature, and whose signature it is.

    The file lists every supporter, so it is stored encrypted like the packet (initiative.filing.
    signed_filing); no signer's name is kept here, only the seat that signed and the form of signature.
    """

    packet = models.OneToOneField(Packet, on_delete=models.PROTECT, related_name="signed")
    file = models.FileField(upload_to=signed_packet_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    signer_role = models.CharField(max_length=16, choices=Role)
    method = models.CharField(max_length=10, choices=SignedPacketMethod)
    issuer = models.CharField(max_length=300)  # the signer's CA: an organisation, no personal data
    signing_time = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"signed packet {self.packet_id}"
