from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.errors import AccountRefused
from accounts.services import auth_token_obtain


class AuthThrottle(ScopedRateThrottle):
    """Guessing passwords and codes through the API: AUTH_THROTTLE_RATE per client address."""

    def get_rate(self) -> str:
        return settings.AUTH_THROTTLE_RATE


class AuthTokenInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="A current TOTP code (6 digits)."
    )


class AuthTokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class AuthTokenCreateApi(APIView):
    """A token for `Authorization: Token …`; the same one on every call. Clerks, operators and anyone who
    turned on two-step sign-in must give `otp`, a current code from their authenticator app.
    """

    authentication_classes = []  # a token is asked for with credentials, not with a session or a token
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    def get_throttles(self):
        return [AuthThrottle()] if settings.RATE_LIMITS else []

    @extend_schema(
        request=AuthTokenInputSerializer,
        responses={
            200: AuthTokenSerializer,
            400: OpenApiResponse(description="A map of field name to messages (`otp`, `non_field_errors`)."),
            429: OpenApiResponse(description="Too many attempts from this address."),
        },
        auth=[],
    )
    def post(self, request):
        data = AuthTokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = auth_token_obtain(request=request._request, **data.validated_data)
        except AccountRefused as refusal:
            raise serializers.ValidationError({refusal.field: [refusal.message]}) from refusal
        return Response(AuthTokenSerializer({"token": token.key}).data, status=status.HTTP_200_OK)
