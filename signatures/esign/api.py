"""E-signature API (docs/contract.md §Signatures): the statement to sign, and the signed statement's
upload."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.errors import InvalidInput
from signatures.esign.services import esigned_submit, esigning_initiative, statement_pdf
from signatures.esign.uploads import signed_file, statement_response
from signatures.serializers import SupporterSerializer
from signatures.throttles import SigningPerAddressThrottle, SigningPerInitiativeThrottle

StatusOut = inline_serializer("EsignedSignatureStatus", {"status": serializers.CharField()})
UploadIn = inline_serializer("SignedStatementUpload", {"file": serializers.FileField()})


class StatementPdfApi(APIView):
    """The support statement to sign electronically; personal data in the body, never in the URL."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public, no session: CSRF does not apply and nobody is identified
    throttle_classes = [SigningPerAddressThrottle, SigningPerInitiativeThrottle]

    @extend_schema(request=SupporterSerializer, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def post(self, request, initiative_id: int):
        initiative = esigning_initiative(initiative_id)
        payload = SupporterSerializer(data=request.data)
        if not payload.is_valid():
            raise InvalidInput(payload.errors)
        return statement_response(statement_pdf(initiative, payload.validated_data), initiative_id)


class EsignedSignatureCreateApi(APIView):
    """Upload the signed statement: 201 confirmed, the same for a person who has already signed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [SigningPerAddressThrottle, SigningPerInitiativeThrottle]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadIn}, responses={201: StatusOut})
    def post(self, request, initiative_id: int):
        esigning_initiative(initiative_id)  # 409 before reading a file that could not count
        esigned_submit(initiative_id=initiative_id, file=signed_file(request.FILES))
        return Response({"status": "confirmed"}, status=status.HTTP_201_CREATED)
