"""Limits on the account pages that send mail: sign-ups per client address, password-reset links per client
address and per typed e-mail address. Wrong passwords are counted elsewhere (accounts/lockout.py).

Each counts in the shared cache and is off with RATE_LIMITS=off (config/rate_limits.py).
"""

import hashlib
import math

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext

from accounts.emails import send_password_reset_limit_notice
from accounts.models import User
from config.rate_limits import RateLimit, wait_seconds


class SignUpPerAddress(RateLimit):
    scope = "sign_up"


class PasswordResetPerAddress(RateLimit):
    scope = "password_reset"


class PasswordResetPerAccount(RateLimit):
    """Counted per typed address, whether or not it has an account, so that the answer reveals nothing.
    The cache key holds a digest of the address, not the address."""

    scope = "password_reset_account"

    def __init__(self, email: str):
        super().__init__()
        self.email = email.strip().lower()

    def get_cache_key(self, request, view) -> str:
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{self.email}".encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes) % {
        "minutes": minutes
    }


def sign_up_wait(request: HttpRequest) -> int | None:
    """Seconds before this address may create another account, or None (the sign-up is counted)."""
    return wait_seconds(request, [SignUpPerAddress()])


def password_reset_wait(request: HttpRequest, email: str) -> int | None:
    """Seconds before another reset link may be asked for from this address or for this e-mail address, or
    None (the request is counted). When the e-mail address's own limit runs out, its owner is told, once.
    """
    per_account = PasswordResetPerAccount(email)
    if wait_seconds(request, [per_account]) is not None:
        user = User.objects.filter(email__iexact=per_account.email, is_active=True).first()
        if user is not None:
            send_password_reset_limit_notice(user, minutes=math.ceil(per_account.duration / 60))
        return max(1, math.ceil(per_account.wait() or 60))
    return wait_seconds(request, [PasswordResetPerAddress()])
