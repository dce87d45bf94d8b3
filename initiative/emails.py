"""E-mails of the initiative's core: the committee invitation and the notice to the council chair."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from initiative.models import CommitteeInvitation, Initiative
from initiative.tokens import invitation_token

logger = logging.getLogger(__name__)


def _send(template: str, context: dict, recipients: list[str]) -> None:
    # E-mails go out in Polish: they reach council offices and residents who have not chosen a language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"initiative/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"initiative/email/{template}.txt", context)
    send_mail(subject, body, None, recipients)


def send_committee_invitation(invitation: CommitteeInvitation) -> None:
    link = f"{settings.SITE_URL}/committee/accept/{invitation_token(invitation.pk)}/"
    context = {"initiative": invitation.initiative, "link": link, "invited_by": invitation.invited_by}
    _send("committee_invitation", context, [invitation.email])


def send_council_chair_notice(initiative: Initiative) -> bool:
    """Tell the council chair that collection has opened. False when no council address is recorded."""
    address = initiative.municipality.council_email
    if not address:
        logger.warning(
            "initiative %s opened; no council e-mail recorded for %s",
            initiative.pk,
            initiative.municipality.teryt,
        )
        return False
    link = f"{settings.SITE_URL}/initiatives/{initiative.pk}/"
    _send("council_chair_notice", {"initiative": initiative, "link": link}, [address])
    return True
