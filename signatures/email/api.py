"""Signing by e-mail through the API (docs/contract.md §Signatures): declare, then confirm by the e-mail's
token."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from municipalities.models import SignatureMethod
from signatures.api import StatusOut, supporter_from
from signatures.serializers import SupporterSerializer, TokenSerializer
from signatures.services import signature_confirm, signature_submit
from signatures.throttles import (
    ConfirmingPerAddressThrottle,
    SigningPerAddressThrottle,
    SigningPerInitiativeThrottle,
)


class SignatureCreateApi(APIView):
    """Sign by e-mail: 202 pending confirmation, the same for a person who already signed."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public, no session: CSRF does not apply and nobody is identified
    throttle_classes = [SigningPerAddressThrottle, SigningPerInitiativeThrottle]

    @extend_schema(request=SupporterSerializer, responses={202: StatusOut})
    def post(self, request, initiative_id: int):
        signature_submit(
            initiative_id=initiative_id, data=supporter_from(request), method=SignatureMethod.EMAIL
        )
        return Response({"status": "pending_confirmation"}, status=status.HTTP_202_ACCEPTED)


class SignatureConfirmApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ConfirmingPerAddressThrottle]

    @extend_schema(request=TokenSerializer, responses={200: StatusOut})
    def post(self, request):
        payload = TokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signature_confirm(token=payload.validated_data["token"])
        return Response({"status": "confirmed"})
