"""`Authorization: Token …` for the API, against the hashed, expiring tokens of accounts/api_tokens.py."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.api_tokens import api_token_find


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and `Token` keyword; the lookup is by the token's digest, and only live tokens
    count. `request.auth` is the ApiToken row (revoking the token in use needs it).
    """

    def authenticate_credentials(self, key):
        token = api_token_find(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token is not valid: it has expired, was revoked or never existed. "
                    "Ask for a new one with POST /api/v1/auth/token/."
                )
            )
        return token.user, token
