"""Download of the sealed packet: `GET /api/v1/initiatives/{id}/packet.pdf` (docs/contract.md §Initiatives).

The packet lists supporters' names, addresses and dates of birth (or PESEL numbers), so only the two
parties to the filing get it: the committee (an active seat) and the clerks of the council it was filed
with (initiative.selectors, with the second factor a clerk must give). Everybody else gets 404, as if
there were no initiative; anonymous callers 401. Each download is recorded in the access log that
operators read (docs/law.md §Personal data).

DRF's authentication (token or session) lets pages link to it for a signed-in browser.
"""

import logging

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from accounts.permissions import IsVerifiedWhenRequired
from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, NotVisible
from initiative.filing.packet.storage import packet_file_read_for
from initiative.models import Initiative, Packet, PacketStatus
from initiative.selectors import initiative_for_clerk
from personal_data.encryption import DecryptionFailed

logger = logging.getLogger(__name__)


def download_name(packet: Packet) -> str:
    return f"pakiet-{packet.initiative_id}-v{packet.version}.pdf"


def _initiative_for_party(initiative_id: int, user) -> Initiative:
    """The initiative if `user` sits on its committee or is a clerk of its council (once filed)."""
    try:
        return initiative_for_member(initiative_id, user)
    except NotVisible:
        return initiative_for_clerk(initiative_id, user)  # NotVisible for everybody else


def _version(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 32767:
        raise InvalidInput({"version": [_("Give a packet version as a whole number from 1.")]})
    return int(raw)


def packet_for_download(initiative: Initiative, version: int | None) -> Packet:
    """The ready packet of that version, or the latest ready one; NotFound with the reason otherwise."""
    packets = Packet.objects.filter(initiative=initiative)
    if version is not None:
        packet = packets.filter(version=version).first()
        if packet is None:
            raise NotFound(_("This initiative has no packet of version %(version)s.") % {"version": version})
    else:
        packet = packets.filter(status=PacketStatus.READY).order_by("-version").first() or packets.first()
        if packet is None:
            raise NotFound(_("This initiative has not been filed: it has no packet."))
    if packet.status != PacketStatus.READY:
        raise NotFound(
            _("Version %(version)s of the packet is being prepared; try again in a few minutes.")
            % {"version": packet.version}
        )
    if packet.file_deleted_at is not None or not packet.file:
        raise NotFound(
            _(
                "The file of version %(version)s was deleted under the council's retention setting; its "
                "SHA-256 was %(sha256)s."
            )
            % {"version": packet.version, "sha256": packet.sha256}
        )
    return packet


class PacketDownloadApi(APIView):
    """The sealed packet as a PDF attachment: the committee and the council's clerks only."""

    permission_classes = [IsVerifiedWhenRequired]

    def perform_content_negotiation(self, request, force=False):
        # A client asking for application/pdf gets the file; errors then still come as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="initiative_packet_download",
        parameters=[
            OpenApiParameter(
                "version", int, description="A packet version; the latest ready one when omitted."
            )
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The sealed packet."),
            404: OpenApiResponse(description="Not visible to the caller, not filed, or not ready yet."),
        },
    )
    def get(self, request, initiative_id: int):
        try:
            initiative = _initiative_for_party(initiative_id, request.user)
        except NotVisible:
            raise NotFound() from None
        version = _version(request.query_params.get("version"))
        packet = packet_for_download(initiative, version)
        try:
            sealed = packet_file_read_for(packet, reader=request.user)  # recorded in the access log
        except (OSError, DecryptionFailed) as error:  # the row says ready but the file is lost or unreadable
            logger.error("packet %s: stored file cannot be opened (%s)", packet.pk, type(error).__name__)
            raise NotFound(
                _("The packet's file cannot be read right now; the operators have been told.")
            ) from None
        response = HttpResponse(sealed, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, download_name(packet))
        response["Cache-Control"] = "private, no-store"  # it holds personal data: no shared caches
        response["ETag"] = f'"{packet.sha256}"'
        return response
