"""Tasks of the outbox. They take no arguments: addresses and bodies never travel through a broker."""

from celery import shared_task


@shared_task
def send_emails_task() -> int:
    """Send what is due. No retries of its own: each e-mail keeps its own retry time (outbox/delivery.py)."""
    from outbox.delivery import emails_send

    return emails_send()


@shared_task
def purge_sent_emails_task() -> int:
    from outbox.services import emails_purge

    return emails_purge()
