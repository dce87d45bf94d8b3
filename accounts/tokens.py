"""Signed tokens in e-mail links. Each purpose has its own salt: a token for one is useless for another."""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

EMAIL_CONFIRMATION_SALT = "accounts.email-confirmation"


def password_fingerprint(user: User) -> str:
    return salted_hmac(EMAIL_CONFIRMATION_SALT, user.password).hexdigest()[:20]


def email_confirmation_token(user: User) -> str:
    # The address and the password are bound in: a link dies once either changes. A later sign-up with the
    # same unconfirmed address sets a new password, so only the link sent for the newest sign-up works and
    # nobody can confirm a password set by someone else (account pre-hijacking).
    payload = {"user": user.pk, "email": user.email, "password": password_fingerprint(user)}
    return signing.dumps(payload, salt=EMAIL_CONFIRMATION_SALT)


def email_confirmation_user(token: str) -> User | None:
    """The user the token was made for, or None when it is forged, expired or outdated."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(payload, dict):
        return None
    user = User.objects.filter(pk=payload.get("user"), is_active=True).first()
    if user is None or user.email != payload.get("email"):
        return None
    if not constant_time_compare(password_fingerprint(user), str(payload.get("password", ""))):
        return None
    return user
