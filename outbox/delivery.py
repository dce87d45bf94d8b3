"""Delivery of the outbox: every e-mail due is sent at least once, failures are retried with backoff.

A run locks a batch of due e-mails `FOR UPDATE SKIP LOCKED`, so runs that overlap (the nudge after a
commit, the minute's sweep, two workers) share the work and never send one e-mail twice at once. Each
e-mail is sent inside its own `try`, the connection's opening included: a server that refuses, drops the
line or times out fails that attempt, which is recorded (its exception's type only) with the time of the
next one (models.retry_delay), and never loses the e-mail. When the failure is the server's as a whole
(it cannot be reached, it refuses connections) the run stops there and the rest of the batch waits for the
next run; when only this message was refused (a recipient or its data), the run goes on with the next.

An e-mail is marked sent in the same transaction as its batch's lock, after the server accepted it: a
process killed after the server's acceptance and before the commit sends that batch again (at least once,
never lost; the fixed Message-ID lets mail clients show a repeat once).

After a commit that stored e-mails, `outbox_nudge` asks for a run: without a broker the run happens at
once in the same process (as every task does then); with one, at most one task per NUDGE_SECONDS per
process, delayed by as much, so that a burst of signatures costs one task, not one per e-mail. A beat task
every minute sends what a lost nudge (a crash between commit and publish, a broker away) left behind.
"""

import contextlib
import logging
import smtplib
import threading
import time

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from outbox.models import Email
from outbox.tasks import send_emails_task  # registered with the app as this module loads, not at first use

logger = logging.getLogger(__name__)

BATCH = 20
NUDGE_SECONDS = 1.0
# After the broker could not be reached, this process does not ask it again for a while: each attempt
# costs the request that makes it up to the broker's timeout (2 s), and during an outage the minute's
# sweep, once the broker is back, sends what waits anyway.
BROKER_BACKOFF_SECONDS = 30.0

# The server answered but would not take this one message (its recipient or its data): the next message
# may well go. Any other OSError (refused or dropped connection, timeout, a 4xx greeting) is the server's.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)

_next_nudge = 0.0
_nudge_lock = threading.Lock()


class NotAccepted(Exception):
    """The mail backend returned without error but reported the message as not sent."""


def emails_send() -> int:
    """Send every e-mail that is due now; returns how many went out."""
    connection = get_connection()
    total = 0
    try:
        while True:
            sent, go_on = _send_batch(connection)
            total += sent
            if not go_on:
                return total
    finally:
        _close(connection)


def _send_batch(connection) -> tuple[int, bool]:
    """Send one locked batch; returns (how many went, whether another batch may be waiting)."""
    with transaction.atomic():
        batch = list(
            Email.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")[:BATCH]
        )
        sent = 0
        for email in batch:
            try:
                connection.open()  # inside the try: a server that cannot be reached fails this attempt only
                if connection.send_messages([email.message(connection)]) != 1:
                    raise NotAccepted
            except Exception as error:  # any failure of a send is recorded, then retried; none is lost
                email.record_failure(error, timezone.now())
                _log_failure(email)
                _close(connection)  # a connection that failed once is not trusted with the next message
                if isinstance(error, OSError) and not isinstance(error, MESSAGE_REFUSED):
                    return sent, False
            else:
                email.record_sent(timezone.now())
                sent += 1
    return sent, len(batch) == BATCH


def _close(connection) -> None:
    # Closing a connection that broke may raise again; there is nothing left to do with it either way.
    with contextlib.suppress(Exception):
        connection.close()


def _log_failure(email: Email) -> None:
    # The kind and the error's type only: an address or a server's reply quoting one is personal data.
    level = logging.ERROR if email.failing else logging.WARNING
    logger.log(
        level,
        "e-mail %s (%s) not sent, attempt %s: %s; next attempt at %s",
        email.pk,
        email.kind,
        email.attempts,
        email.last_error,
        email.next_attempt_at.isoformat(timespec="seconds"),
    )


def outbox_nudge() -> None:
    """Have the e-mails committed so far sent within about NUDGE_SECONDS (at once without a broker).

    Called after the commit of a change that stored e-mails. When the broker cannot be reached the e-mails
    are stored all the same: the minute's sweep sends them, and the caller gets no error.
    """
    if send_emails_task.app.conf.task_always_eager:
        send_emails_task.delay()
        return
    global _next_nudge
    with _nudge_lock:
        now = time.monotonic()
        if now < _next_nudge:
            return  # a run is already due after this commit, and will see these e-mails
        _next_nudge = now + NUDGE_SECONDS
    try:
        send_emails_task.apply_async(countdown=NUDGE_SECONDS)
    except Exception:  # kombu's OperationalError and the transports' own: any failure to publish
        with _nudge_lock:
            _next_nudge = time.monotonic() + BROKER_BACKOFF_SECONDS  # not every request pays the timeout
        logger.warning("could not request an e-mail run; the periodic sweep will send", exc_info=True)
