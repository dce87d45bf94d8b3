"""Supporters' API (docs/contract.md §Signatures): sign by e-mail, confirm, withdraw; paper rows by
committees."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from initiative.committee import sits_on_committee
from initiative.errors import InvalidInput, NotVisible
from municipalities.models import SignatureMethod
from signatures.serializers import SupporterSerializer, TokenSerializer
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.throttles import (
    ConfirmingPerAddressThrottle,
    SigningPerAddressThrottle,
    SigningPerInitiativeThrottle,
)

StatusOut = inline_serializer("SignatureStatus", {"status": serializers.CharField()})


def _supporter(request) -> dict:
    payload = SupporterSerializer(data=request.data)
    if not payload.is_valid():
        raise InvalidInput(payload.errors)
    return payload.validated_data


class SignatureCreateApi(APIView):
    """Sign by e-mail: 202 pending confirmation, the same for a person who already signed."""

    permission_classes = [AllowAny]
    authentication_classes = []  # public, no session: CSRF does not apply and nobody is identified
    throttle_classes = [SigningPerAddressThrottle, SigningPerInitiativeThrottle]

    @extend_schema(request=SupporterSerializer, responses={202: StatusOut})
    def post(self, request, initiative_id: int):
        signature_submit(initiative_id=initiative_id, data=_supporter(request), method=SignatureMethod.EMAIL)
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


class PaperSignatureCreateApi(APIView):
    """A committee member types one row of a returned paper sheet; it goes through the same checks."""

    @extend_schema(request=SupporterSerializer, responses={201: StatusOut})
    def post(self, request, initiative_id: int):
        if not sits_on_committee(initiative_id, request.user):
            raise NotVisible
        signature_submit(
            initiative_id=initiative_id,
            data=_supporter(request),
            method=SignatureMethod.PAPER,
            entered_by=request.user,
        )
        return Response({"status": "recorded"}, status=status.HTTP_201_CREATED)
