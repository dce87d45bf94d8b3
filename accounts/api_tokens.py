"""API tokens: issued with credentials, stored as a SHA-256 only, expiring, revocable.

A token is 32 random bytes, so a plain SHA-256 is enough to keep it: there is nothing to guess that a slow
hash would protect (unlike a password), and looking a token up by its digest costs one index probe.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User

# Old tokens beyond this many per person are deleted when a new one is issued: a script that asks for a token
# on every run cannot pile up rows, and a person rarely uses more than a few programs at once.
TOKENS_PER_USER = 20


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_lifetime(user: User) -> timedelta:
    """A working day for clerks and operators (they see many people's data), API_TOKEN_DAYS for others."""
    if user.must_use_two_factors:
        return timedelta(hours=settings.API_TOKEN_HOURS_CLERKS)
    return timedelta(days=settings.API_TOKEN_DAYS)


def api_token_issue(*, user: User) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the token itself, which the caller shows once and forgets."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # The person's row is locked so that two issues at once keep the cap below.
        User.objects.select_for_update().filter(pk=user.pk).first()
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        row = ApiToken.objects.create(
            user=user, digest=token_digest(token), created_at=now, expires_at=now + token_lifetime(user)
        )
        kept = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)
        ApiToken.objects.filter(user=user).exclude(pk__in=list(kept[:TOKENS_PER_USER])).delete()
    return row, token


def api_token_find(token: str) -> ApiToken | None:
    """The live token row for a presented token (with its user), or None: unknown, revoked or expired."""
    if not token:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), expires_at__gt=timezone.now())
        .first()
    )


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Every token of `user`: after a new password, or when two-step sign-in is turned on."""
    count, _ = ApiToken.objects.filter(user=user).delete()
    return count
