"""Checking a packet through the API: `POST /api/v1/packets/verify/` (multipart `file`), public.

The answer is the report of initiative.filing.packet.verify as JSON, 200 whether the packet holds or not (the
check itself succeeded); 400 when there is no file or it is too large. Nothing is stored.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.filing.packet.upload import VerifyingPerAddressThrottle, uploaded_packet
from initiative.filing.packet.verify import packet_verify

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


class PacketVerifyApi(APIView):
    """Check a packet's seal and integrity appendix, and whether the platform issued it."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public, no session: CSRF does not apply and nobody is identified
    throttle_classes = [VerifyingPerAddressThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadIn}, responses={200: ReportOut})
    def post(self, request):
        return Response(packet_verify(uploaded_packet(request)).as_dict())
