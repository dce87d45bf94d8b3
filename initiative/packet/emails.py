"""E-mails when a packet is ready: to the council chair (the council office's address) and to each active
member of the committee, with links to the initiative and the packet and the file's checksum.

They carry no personal data of supporters (a count, the title, the checksum), go out in Polish (the
default language: council offices and residents who have not chosen one), one message per recipient so
that members do not see each other's addresses, and a failed delivery is logged by its kind only (an
address is personal data) without undoing the packet, which is already filed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.emails import site_link
from initiative.models import CommitteeMember, Packet

logger = logging.getLogger(__name__)


def _link(name: str, *args) -> str:
    return site_link(reverse(name, args=args))


def _message(template: str, context: dict, recipient: str) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"initiative/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"initiative/email/{template}.txt", context)
    return EmailMessage(subject, body, None, [recipient])


def _deliver(messages: list[tuple[str, EmailMessage]], packet: Packet) -> int:
    """Send each message on one connection; returns how many went. `messages` pairs a role with a message."""
    sent = 0
    with get_connection() as connection:
        for role, message in messages:
            try:
                sent += connection.send_messages([message])
            except Exception as error:  # SMTP and socket errors come in many kinds
                logger.warning(
                    "packet %s ready: e-mail to the %s not sent (%s)", packet.pk, role, type(error).__name__
                )
    return sent


def send_packet_ready(packet: Packet) -> dict:
    """Tell the council chair and the committee that the packet is ready. Returns what was sent:
    {"chair": bool, "committee": number of members}."""
    initiative = packet.initiative
    unit = initiative.municipality
    context = {
        "packet": packet,
        "initiative": initiative,
        "council": unit.council_name,
        "filed_on": timezone.localtime(initiative.submitted_at).date() if initiative.submitted_at else None,
        "deadline": initiative.consideration_deadline,
        "public_link": _link("initiative-detail", initiative.pk),
        "clerk_link": _link("clerk-initiative", initiative.pk),
        "verify_link": _link("packet-verify"),
        "download_link": _link("api-packet-download", initiative.pk) + f"?version={packet.version}",
        "manage_link": _link("initiative-manage", initiative.pk),
    }
    chair = False
    if unit.council_email:
        message = _message("packet_ready_chair", context, unit.council_email)
        chair = _deliver([("council chair", message)], packet) == 1
    else:
        logger.warning("packet %s ready; no council e-mail recorded for %s", packet.pk, unit.teryt)
    context["chair_notified"] = chair
    # Addresses only: loading the members would decrypt names and addresses nobody reads here.
    addresses = CommitteeMember.objects.filter(initiative=initiative, left_at__isnull=True).values_list(
        "user__email", flat=True
    )
    messages = [("committee", _message("packet_ready", context, address)) for address in addresses if address]
    return {"chair": chair, "committee": _deliver(messages, packet) if messages else 0}
