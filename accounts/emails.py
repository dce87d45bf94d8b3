"""E-mails about accounts. Links start with SITE_URL: mail is read outside the site, on any device."""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from accounts.tokens import email_confirmation_token
from outbox.services import email_enqueue

# One mail of a kind per person per minute: sign-up and "send the link again" cannot flood an inbox.
MAIL_COOLDOWN_SECONDS = 60


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_email_confirmation(user: User) -> bool:
    """The link that confirms the address. False when one went out less than a minute ago."""
    link = site_link(reverse("accounts:confirm-email", args=[email_confirmation_token(user)]))
    return send_templated(user, "email_confirmation", {"link": link, "valid_days": confirmation_valid_days()})


def confirmation_valid_days() -> int:
    return max(1, settings.EMAIL_CONFIRMATION_MAX_AGE // (24 * 60 * 60))


def password_reset_valid_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60))


def send_existing_account_notice(user: User) -> bool:
    """Someone signed up with an address that has an account: tell its owner, not the person signing up."""
    context = {
        "sign_in_link": site_link(reverse("accounts:sign-in")),
        "password_reset_link": site_link(reverse("accounts:password-reset")),
    }
    return send_templated(user, "existing_account", context)


def send_lockout_notice(user: User, *, minutes: int) -> bool:
    """Sign-in to the account is paused after wrong passwords: tell its owner, once per pause."""
    context = {
        "minutes": minutes,
        "password_reset_link": site_link(reverse("accounts:password-reset")),
        "account_link": site_link(reverse("accounts:account")),
    }
    return send_templated(user, "account_locked", context, cooldown=minutes * 60)


def send_password_reset_limit_notice(user: User, *, minutes: int) -> bool:
    """Many reset links were asked for this account: tell its owner that no more are sent for a while."""
    context = {"minutes": minutes, "sign_in_link": site_link(reverse("accounts:sign-in"))}
    return send_templated(user, "password_reset_limit", context, cooldown=minutes * 60)


def mail_allowed(user: User, kind: str, cooldown: int = MAIL_COOLDOWN_SECONDS) -> bool:
    """True at most once per `cooldown` seconds (a minute unless told) per person and kind of mail (always
    with RATE_LIMITS off)."""
    return not settings.RATE_LIMITS or cache.add(f"accounts:mail:{kind}:{user.pk}", 1, cooldown)


def send_templated(user: User, name: str, context: dict, *, cooldown: int = MAIL_COOLDOWN_SECONDS) -> bool:
    if not mail_allowed(user, name, cooldown):
        return False
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"accounts/emails/{name}_subject.txt", context).strip()
    body = render_to_string(f"accounts/emails/{name}.txt", context)
    email_enqueue(kind=f"accounts/{name}", to=user.email, subject=subject, body=body)  # sent after the commit
    return True
