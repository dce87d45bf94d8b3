import datetime
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from personal_data.fields import EncryptedTextField

# Retries wait twice as long after each failure, from a minute up to six hours: a mail server down for
# an afternoon is tried about ten times, not thousands, and mail resumes within hours of its return.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
# From this many failed attempts an e-mail is shown to operators as failing (admin) and logged as an error.
FAILING_AFTER = 3


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, 3…): 1, 2, 4… minutes, at most 6 h."""
    return min(LONGEST_WAIT, FIRST_RETRY * 2 ** min(attempts - 1, 20))


def new_message_id() -> str:
    return make_msgid(domain=DNS_NAME)


class Email(models.Model):
    """One e-mail to one address, waiting to go out or sent (the outbox).

    It is written in the transaction of the change that causes it, so it exists exactly when that change
    committed; delivery (outbox/delivery.py) sends it at least once, retrying with backoff. One address per
    e-mail: recipients never see one another. The address, subject and bodies are personal data (bodies
    carry names and one-time links), so they are encrypted at rest; `kind` (the template's name) and the
    delivery's bookkeeping are not, so operators can see what fails without reading anyone's mail.
    """

    kind = models.CharField(_("kind"), max_length=80)
    # What the e-mail is about (e.g. "signature:42"), so that one whose reason disappeared before it went
    # out can be withdrawn (services.emails_cancel); empty for most.
    reference = models.CharField(max_length=100, blank=True)
    to = EncryptedTextField(_("to"))
    subject = EncryptedTextField(_("subject"))
    body = EncryptedTextField(_("body"))
    html_body = EncryptedTextField(_("HTML body"), blank=True)
    # The same Message-ID on every attempt: a mail client shows a message delivered twice (after a crash
    # between the server's acceptance and our commit) once.
    message_id = models.CharField(max_length=255, default=new_message_id)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # The exception's type only (e.g. SMTPConnectError): its text may quote an address or a server's reply.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.CheckConstraint(name="outbox_email_has_kind", condition=~Q(kind="")),
            models.CheckConstraint(
                name="outbox_email_sent_after_an_attempt",
                condition=Q(sent_at__isnull=True) | Q(attempts__gte=1),
            ),
        ]
        indexes = [
            # What delivery reads: small whatever the number of e-mails sent.
            models.Index(
                fields=["next_attempt_at", "id"], condition=Q(sent_at__isnull=True), name="outbox_due"
            ),
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="outbox_sent"),
            models.Index(
                fields=["reference"],
                condition=Q(sent_at__isnull=True) & ~Q(reference=""),
                name="outbox_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"e-mail {self.pk} ({self.kind})"

    @property
    def failing(self) -> bool:
        return self.sent_at is None and self.attempts >= FAILING_AFTER

    def message(self, connection=None) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            self.subject,
            self.body,
            None,
            [self.to],
            connection=connection,
            headers={"Message-ID": self.message_id},
        )
        if self.html_body:
            message.attach_alternative(self.html_body, "text/html")
        return message

    def record_sent(self, now: datetime.datetime) -> None:
        self.attempts += 1
        self.last_attempt_at = self.sent_at = now
        self.last_error = ""
        self.save(update_fields=["attempts", "last_attempt_at", "sent_at", "last_error"])

    def record_failure(self, error: BaseException, now: datetime.datetime) -> None:
        self.attempts += 1
        self.last_attempt_at = now
        self.last_error = type(error).__name__[:100]
        self.next_attempt_at = now + retry_delay(self.attempts)
        self.save(update_fields=["attempts", "last_attempt_at", "last_error", "next_attempt_at"])
