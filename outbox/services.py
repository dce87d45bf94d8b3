"""Putting e-mails into the outbox, withdrawing those whose reason is gone, and forgetting sent ones.

Every e-mail of the platform goes through `email_enqueue`, called inside the transaction of the change
that causes it (an invitation, a decision, a packet marked ready, a reminder claimed): the e-mail exists
if and only if the change committed, and it is sent after the commit by outbox/delivery.py, at least once.
Nothing here talks to a mail server.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.delivery import outbox_nudge
from outbox.models import Email


def email_enqueue(
    *, kind: str, to: str, subject: str, body: str, html_body: str = "", reference: str = ""
) -> Email:
    """Store one e-mail to `to` in the caller's transaction and have it sent soon after the commit.

    `kind` names the template (e.g. "initiative/packet_ready"): it is what operators see, so it must never
    hold personal data. `reference` marks what the e-mail is about, for `emails_cancel`.
    """
    if not to or not kind:
        raise ValueError("an e-mail needs a kind and an address")
    if any(character in to + subject for character in "\r\n"):
        # A header on two lines would fail at every attempt, for ever: refuse it now, with the change.
        raise ValueError("an address or a subject on more than one line")
    email = Email.objects.create(
        kind=kind, to=to, subject=subject, body=body, html_body=html_body, reference=reference
    )
    # Robust: the change has committed and the e-mail is stored; a failure to start sending it now (the
    # broker away) must not turn the caller's success into an error. The periodic run sends it. A
    # transaction that stores several e-mails nudges several times: the first run sends them all, the
    # others find nothing due (one indexed query each) or, with a broker, are within NUDGE_SECONDS.
    transaction.on_commit(outbox_nudge, robust=True)
    return email


def emails_cancel(*, reference: str) -> int:
    """Withdraw the e-mails about `reference` that have not gone out yet; returns how many.

    References are paths: an e-mail about a part of something is about it too, so "initiative:7" takes
    back "initiative:7/supporters/notice" as well (the initiative's personal data erased).
    """
    if not reference:
        raise ValueError("no reference: that would withdraw every e-mail without one")
    about = Q(reference=reference) | Q(reference__startswith=f"{reference}/")
    deleted, _by_model = Email.objects.filter(about, sent_at__isnull=True).delete()
    return deleted


def emails_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete e-mails sent more than OUTBOX_KEEP_SENT_DAYS ago: their addresses and links are personal data
    kept only while an operator may need to see that they went. Unsent ones stay until they go."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _by_model = Email.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
