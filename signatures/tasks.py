"""E-mail tasks for supporters. They take ids only: no personal data in a queue or a task result."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_confirmations_task() -> int:
    from signatures.confirmations import send_due_confirmations

    return send_due_confirmations()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_receipt_task(signature_id: int) -> None:
    from signatures.emails import send_receipt
    from signatures.models import Signature, SignatureStatus

    signature = Signature.objects.select_related("initiative").filter(pk=signature_id).first()
    if signature and signature.status_shown == SignatureStatus.CONFIRMED and signature.email:
        send_receipt(signature)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_already_signed_task(initiative_id: int, notice_id: int) -> None:
    from signatures.emails import send_already_signed
    from signatures.models import PendingNotice

    notice = PendingNotice.objects.select_related("initiative").filter(pk=notice_id).first()
    if notice is not None:  # already sent by an earlier try
        send_already_signed(notice)
        notice.delete()
