"""The committee's record of delivering its filing to the council's office:
`GET|POST /api/v1/initiatives/{id}/deliveries/` (initiative.filing.delivery holds the rules), and its
signature on the filing: `GET|POST /api/v1/initiatives/{id}/packet/signed/` (initiative.filing.
signed_filing).

Committee members only (404 for everybody else, as if there were no initiative). POST takes multipart
`channel` (`epuap`, `e_doreczenia`, `in_person`, `post`), `delivered_on` (YYYY-MM-DD) and an optional
`receipt` file: 201 with the delivery; 400 for bad input; 409 before filing or after the office decided.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput
from initiative.filing.delivery import delivery_record, uploaded_receipt
from initiative.filing.packet.upload import uploaded_packet
from initiative.filing.signed_filing import signed_packet_upload, signed_packets_of
from initiative.models import Delivery, DeliveryChannel, SignedPacket

MISSING = gettext_lazy("Choose the signed packet (a PDF file) to upload.")


class DeliveryInSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    delivered_on = serializers.DateField()
    receipt = serializers.FileField(required=False)


class DeliveryOutSerializer(serializers.ModelSerializer):
    packet_version = serializers.IntegerField(source="packet.version")
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "channel",
            "delivered_on",
            "packet_version",
            "has_receipt",
            "receipt_sha256",
            "recorded_at",
        ]

    def get_has_receipt(self, delivery: Delivery) -> bool:
        return bool(delivery.file)


class DeliveryListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=DeliveryOutSerializer(many=True))
    def get(self, request, initiative_id: int):
        initiative = initiative_for_member(initiative_id, request.user)
        deliveries = initiative.deliveries.select_related("packet")
        return Response(DeliveryOutSerializer(deliveries, many=True).data)

    @extend_schema(request=DeliveryInSerializer, responses={201: DeliveryOutSerializer})
    def post(self, request, initiative_id: int):
        payload = DeliveryInSerializer(data=request.data)
        if not payload.is_valid():
            raise InvalidInput(payload.errors)
        delivery = delivery_record(
            initiative_id=initiative_id,
            actor=request.user,
            channel=payload.validated_data["channel"],
            delivered_on=payload.validated_data["delivered_on"],
            receipt=uploaded_receipt(payload.validated_data.get("receipt")),
        )
        return Response(DeliveryOutSerializer(delivery).data, status=status.HTTP_201_CREATED)


class SignedPacketOutSerializer(serializers.ModelSerializer):
    packet_version = serializers.IntegerField(source="packet.version")
    # A plain string in the schema: the committee's roles are already named RoleEnum there.
    signer_role = serializers.CharField(help_text='"representative", "deputy" or "member".')

    class Meta:
        model = SignedPacket
        fields = [
            "packet_version",
            "signer_role",
            "method",
            "issuer",
            "signing_time",
            "sha256",
            "uploaded_at",
        ]


class SignedPacketApi(APIView):
    """The committee's signed packets (no name: the seat that signed and the form of signature)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=SignedPacketOutSerializer(many=True))
    def get(self, request, initiative_id: int):
        initiative = initiative_for_member(initiative_id, request.user)
        return Response(SignedPacketOutSerializer(signed_packets_of(initiative), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: SignedPacketOutSerializer},
    )
    def post(self, request, initiative_id: int):
        initiative_for_member(initiative_id, request.user)  # 404 before reading a stranger's upload
        signed = signed_packet_upload(
            initiative_id=initiative_id, actor=request.user, file=uploaded_packet(request, missing=MISSING)
        )
        return Response(SignedPacketOutSerializer(signed).data, status=status.HTTP_201_CREATED)
