from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_tokens import api_token_revoke, api_tokens_revoke_all
from accounts.errors import AccountRefused
from accounts.models import ApiToken
from accounts.services import auth_token_obtain
from config.rate_limits import RateLimit


class AuthThrottle(RateLimit):
    """Guessing passwords and codes through the API: AUTH_THROTTLE_RATE per client address, on top of the
    lockout after wrong passwords (accounts/lockout.py)."""

    scope = "auth"


class AuthTokenInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=16, required=False, allow_blank=True, help_text="A current TOTP code (6 digits)."
    )


class AuthTokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class AuthTokenCreateApi(APIView):
    """A new token for `Authorization: Token …`, shown this once: only its SHA-256 is kept. It expires (after
    API_TOKEN_DAYS, or API_TOKEN_HOURS_CLERKS for clerks and operators) and can be revoked. Clerks, operators
    and anyone who turned on two-step sign-in must give `otp`, a current code from their authenticator app.
    Wrong passwords lock the account and the client address for a while (429).
    """

    authentication_classes = []  # a token is asked for with credentials, not with a session or a token
    permission_classes = [AllowAny]
    throttle_classes = [AuthThrottle]

    @extend_schema(
        request=AuthTokenInputSerializer,
        responses={
            200: AuthTokenSerializer,
            400: OpenApiResponse(description="A map of field name to messages (`otp`, `non_field_errors`)."),
            429: OpenApiResponse(
                description="Too many attempts from this address, or sign-in paused after wrong passwords."
            ),
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
        return Response(AuthTokenSerializer({"token": token}).data, status=status.HTTP_200_OK)


class AuthTokenRevokeInputSerializer(serializers.Serializer):
    all = serializers.BooleanField(
        required=False, default=False, help_text="Revoke every token of this account, not only this one."
    )


class AuthTokenRevokeSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many tokens were revoked.")


class AuthTokenRevokeApi(APIView):
    """Revoke the token this call is made with (`Authorization: Token …`), or with `{"all": true}` every token
    of the account (a signed-in browser session may do that too). A revoked token answers 401 from then on.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AuthTokenRevokeInputSerializer,
        responses={
            200: AuthTokenRevokeSerializer,
            400: OpenApiResponse(description="No token to revoke: call with `Authorization: Token …`."),
        },
    )
    def post(self, request):
        data = AuthTokenRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["all"]:
            revoked = api_tokens_revoke_all(user=request.user)
        elif isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth)
            revoked = 1
        else:
            raise serializers.ValidationError(
                {"all": [_('Signed in without a token: send {"all": true} to revoke every token.')]}
            )
        return Response(AuthTokenRevokeSerializer({"revoked": revoked}).data)
