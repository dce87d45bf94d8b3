"""Supporters' API shared by every form of support (docs/contract.md §Signatures): withdrawal, and what the
forms' APIs share. Signing is in each form's room: email/api.py, esign/api.py, paper/api.py."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.errors import InvalidInput
from signatures.serializers import SupporterSerializer, TokenSerializer
from signatures.services import signature_withdraw
from signatures.throttles import ConfirmingPerAddressThrottle

StatusOut = inline_serializer("SignatureStatus", {"status": serializers.CharField()})


def supporter_from(request) -> dict:
    """The supporter's fields of a request, checked for shape (the service checks the rest)."""
    payload = SupporterSerializer(data=request.data)
    if not payload.is_valid():
        raise InvalidInput(payload.errors)
    return payload.validated_data


class SignatureWithdrawApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ConfirmingPerAddressThrottle]

    @extend_schema(request=TokenSerializer, responses={200: StatusOut})
    def post(self, request):
        payload = TokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signature_withdraw(token=payload.validated_data["token"])
        return Response({"status": "withdrawn"})
