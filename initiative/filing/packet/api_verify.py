"""Checking a packet through the API: `POST /api/v1/packets/verify/` (multipart `file`), public.

The answer is the report of initiative.filing.packet.verify as JSON, 200 whether the packet holds or not (the
check itself succeeded); 400 when there is no file or it is too large. Nothing is stored.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.rate_limits import RateLimit
from initiative.errors import InvalidInput
from initiative.filing.packet.verify import packet_verify

# A packet of 100,000 signatures with paper scans attached stays well under this.
MAX_PACKET_BYTES = 200 * 1024 * 1024
FORM_OVERHEAD_BYTES = 64 * 1024  # the multipart envelope and the CSRF field around the file

UploadIn = inline_serializer("PacketVerifyUpload", {"file": serializers.FileField()})
ReportOut = inline_serializer(
    "PacketVerifyReport",
    {
        "valid": serializers.BooleanField(),
        "sha256": serializers.CharField(),
        "size": serializers.IntegerField(),
        "seal": serializers.JSONField(allow_null=True),
        "integrity": serializers.JSONField(),
        "packet": serializers.JSONField(allow_null=True),
        "problems": serializers.ListField(child=serializers.JSONField()),
        "report": serializers.ListField(child=serializers.CharField()),
    },
)


class VerifyingPerAddressThrottle(RateLimit):
    """Checking a large packet costs seconds of a worker: counted per address (the rate is in
    config.rate_limits.RATES) and off with RATE_LIMITS=off, like the signing forms' limits."""

    scope = "packet_verifying"


def uploaded_packet(request) -> bytes:
    """The uploaded file's bytes, refused (400) when missing or larger than MAX_PACKET_BYTES.

    A request that announces more than the limit is refused before its body is read: Django would
    otherwise spool all of it to a temporary file first.
    """
    too_large = InvalidInput(
        {"file": [_("The file is too large: packets the platform issues are under 200 MB.")]}
    )
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > MAX_PACKET_BYTES + FORM_OVERHEAD_BYTES:
        raise too_large
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput({"file": [_("Choose the packet (a PDF file) to check.")]})
    if upload.size > MAX_PACKET_BYTES:
        raise too_large
    return upload.read()


class PacketVerifyApi(APIView):
    """Check a packet's seal and integrity appendix, and whether the platform issued it."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public, no session: CSRF does not apply and nobody is identified
    throttle_classes = [VerifyingPerAddressThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadIn}, responses={200: ReportOut})
    def post(self, request):
        return Response(packet_verify(uploaded_packet(request)).as_dict())
