"""E-mails when a packet is ready: to the council chair (the council office's address) and to each active
member of the committee, with links to the initiative and the packet and the file's checksum.

They carry no personal data of supporters (a count, the title, the checksum), go out in Polish (the
default language: council offices and residents who have not chosen one), one message per recipient so
that members do not see each other's addresses. They are put into the outbox in the transaction that marks
the packet ready (initiative/filing/packet/build.py): a mail server that fails delays them, and loses none.
"""

import logging

from django.urls import reverse
from django.utils import timezone

from accounts.emails import site_link
from initiative.emails import initiative_emails_enqueue
from initiative.models import CommitteeMember, Packet

logger = logging.getLogger(__name__)


def _link(name: str, *args) -> str:
    return site_link(reverse(name, args=args))


def send_packet_ready(packet: Packet) -> dict:
    """Tell the council chair and the committee that the packet is ready, in the caller's transaction.
    Returns what was queued: {"chair": bool, "committee": number of members}."""
    initiative = packet.initiative
    unit = initiative.municipality
    context = {
        "packet": packet,
        "initiative": initiative,
        "council": unit.council_name,
        "filed_on": timezone.localtime(initiative.submitted_at).date() if initiative.submitted_at else None,
        "public_link": _link("initiative-detail", initiative.pk),
        "clerk_link": _link("clerk-initiative", initiative.pk),
        "verify_link": _link("packet-verify"),
        "download_link": _link("api-packet-download", initiative.pk) + f"?version={packet.version}",
        "manage_link": _link("initiative-manage", initiative.pk),
    }
    chair = False
    if unit.council_email:
        chair = initiative_emails_enqueue("packet_ready_chair", context, [unit.council_email]) == 1
    else:
        logger.warning("packet %s ready; no council e-mail recorded for %s", packet.pk, unit.teryt)
    context["chair_notified"] = chair
    # Addresses only: loading the members would decrypt names and addresses nobody reads here.
    addresses = CommitteeMember.objects.filter(initiative=initiative, left_at__isnull=True).values_list(
        "user__email", flat=True
    )
    committee = initiative_emails_enqueue("packet_ready", context, [a for a in addresses if a])
    return {"chair": chair, "committee": committee}
