"""Confirmation e-mails of e-mail declarations, sent from the pending rows themselves (an outbox).

Publishing one task per declaration cost the web process about a third of a signature's CPU
(docs/PERFORMANCE.md "Where the time goes"). Instead, a declaration is stored with
`confirmation_sent_at` empty; after its commit the web process asks for a sending run at most once per
`NUDGE_SECONDS`, delayed by as much, so that one run mails every declaration committed in between. A beat
task sweeps every minute for what a lost nudge (a crash between commit and publish) left behind.
"""

import logging
import threading
import time

from django.db import transaction
from django.utils import timezone

from signatures.emails import send_confirmation
from signatures.models import AWAITING_CONFIRMATION, Signature

logger = logging.getLogger(__name__)

NUDGE_SECONDS = 1.0
BATCH = 20  # rows stay locked while their e-mails go out: a confirmation click waits at most a batch

_next_nudge = 0.0
_nudge_lock = threading.Lock()


def nudge_confirmations() -> None:
    """Have the confirmations of declarations committed so far sent within about NUDGE_SECONDS.

    Called after the declaration's commit. When tasks run in the calling process (no broker), nothing
    would run later, so the run happens now. When the broker cannot be reached the declaration is already
    stored and answered for: the minute's sweep sends its e-mail, and the supporter gets no error.
    """
    from signatures.tasks import send_confirmations_task

    if send_confirmations_task.app.conf.task_always_eager:
        send_confirmations_task.delay()
        return
    global _next_nudge
    with _nudge_lock:
        now = time.monotonic()
        if now < _next_nudge:
            return  # a run is already due after this commit, and will see this declaration
        _next_nudge = now + NUDGE_SECONDS
    try:
        send_confirmations_task.apply_async(countdown=NUDGE_SECONDS)
    except Exception:  # kombu's OperationalError and the transports' own: any failure to publish
        with _nudge_lock:
            _next_nudge = 0.0  # the next declaration asks again
        logger.warning("could not request a confirmation run; the periodic sweep will send", exc_info=True)


def send_due_confirmations() -> int:
    """Mail every pending or repeat declaration not mailed yet, once; return how many were sent.

    Batches lock their rows SKIP LOCKED, so overlapping runs share the work instead of sending twice. When
    sending fails, the declarations mailed before the failure are marked and the error propagates (the task
    retries it with backoff).
    """
    total = 0
    while True:
        failure = None
        with transaction.atomic():
            batch = list(
                Signature.objects.select_related("initiative")
                .select_for_update(skip_locked=True, of=("self",))
                # Repeat declarations (signatures/repeats.py) leave in the same runs, in the same order.
                .filter(
                    status__in=AWAITING_CONFIRMATION,
                    confirmation_sent_at__isnull=True,
                    confirmed_at__isnull=True,
                )
                .order_by("pk")[:BATCH]
            )
            sent = []
            for signature in batch:
                try:
                    send_confirmation(signature)
                except OSError as error:
                    failure = error
                    break
                sent.append(signature.pk)
            Signature.objects.filter(pk__in=sent).update(confirmation_sent_at=timezone.now())
        total += len(sent)
        if failure is not None:
            raise failure
        if len(batch) < BATCH:
            return total
