"""Celery tasks of the initiative's core; each takes ids and calls one service, and is safe to repeat."""

from celery import shared_task


@shared_task
def expire_initiatives_task() -> int:
    from initiative.filing.submit import collection_windows_close

    return collection_windows_close()


def _transient_packet_errors() -> tuple[type[Exception], ...]:
    from documents.pades import SealFailed  # a timestamp authority that did not answer

    return (OSError, SealFailed)


@shared_task(bind=True, max_retries=5)
def build_packet_task(self, packet_id: int) -> str:
    """Build, seal and store one packet version; a repeated or retried run finds it built (idempotent).

    Errors that pass (storage, network, the timestamp authority) are retried with backoff; the periodic
    `reorder_packets_task` picks up what is still failed after that."""
    from initiative.filing.packet.build import packet_build

    try:
        return packet_build(packet_id)
    except _transient_packet_errors() as error:
        raise self.retry(exc=error, countdown=min(600, 30 * 2**self.request.retries)) from error


@shared_task
def reorder_packets_task() -> int:
    from initiative.filing.packet.build import packets_reorder

    return packets_reorder()


@shared_task
def remind_deadlines_task() -> int:
    from initiative.filing.reminders import deadline_reminders_send

    return deadline_reminders_send()


@shared_task
def delete_personal_data_task() -> dict:
    from initiative.filing.retention import retention_run

    return retention_run()
