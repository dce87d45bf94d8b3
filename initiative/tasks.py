"""Celery tasks of the initiative's core; each takes ids and calls one service, and is safe to repeat."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_council_chair_task(initiative_id: int) -> bool:
    from initiative.emails import send_council_chair_notice
    from initiative.models import Initiative

    return send_council_chair_notice(Initiative.objects.select_related("municipality").get(pk=initiative_id))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_committee_invitation_task(invitation_id: int) -> None:
    from initiative.emails import send_committee_invitation
    from initiative.models import CommitteeInvitation

    invitation = CommitteeInvitation.objects.select_related("initiative", "invited_by").get(pk=invitation_id)
    if invitation.accepted_at is None:
        send_committee_invitation(invitation)


@shared_task
def expire_initiatives_task() -> int:
    from initiative.services import initiatives_expire_due

    return initiatives_expire_due()
