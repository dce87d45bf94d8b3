"""Lockouts after wrong passwords: the glue to django-axes (nothing else imports it).

Axes sits in front of every password check (`AUTHENTICATION_BACKENDS`), so the sign-in page, the API's
token endpoint and the admin's sign-in all count and all refuse: LOGIN_FAILURE_LIMIT wrong passwords for an
account or from a client address lock it for LOGIN_LOCKOUT_MINUTES, the right password included. The
attempt rows live in the database, so every process and machine sees the same count. The owner of a locked
account gets an e-mail; a password reset ends the account's lockout (`account_lockout_end`).
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.emails import send_lockout_notice
from accounts.models import User


def attempted_email(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address a sign-in attempt named, as the account is found (ignoring case): `email` from our pages
    and the API, `username` from the admin's form. One spelling, one counter.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("email") or request.POST.get("username")
    value = (value or "").strip().lower()
    return value or None


# The first key of PostgreSQL's two-key advisory locks that serialize sign-in attempts (any constant of ours).
ATTEMPTS_LOCK = 7301


@contextmanager
def attempts_in_turn(email: str | None) -> Iterator[None]:
    """Attempts to sign in to one account run one after another, each in a transaction that records its
    failure before the next one starts. Axes checks the count before the password and records a failure after
    it, so without this a burst of guesses sent at the same moment would all pass the check, each one
    checked against the password, however many the limit allows.
    """
    email = (email or "").strip().lower()
    if not email or not settings.RATE_LIMITS:  # nothing is counted, so there is no count to keep exact
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ATTEMPTS_LOCK, email])
        yield


def attempts_in_turn_view(view):
    """`attempts_in_turn` for a sign-in view whose form names the account (the admin's: `username`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        email = attempted_email(request, None) if request.method == "POST" else None
        with attempts_in_turn(email):
            return view(request, *args, **kwargs)

    return wrapper


def limits_off(request: HttpRequest, credentials: dict | None) -> bool:
    """RATE_LIMITS=off (load tests) lets every attempt through uncounted (AXES_WHITELIST_CALLABLE)."""
    return not settings.RATE_LIMITS


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    """Says what happened and what to do, and neither whether the account exists nor which of the two
    counters (the account's, the address's) ran out."""
    minutes = lockout_minutes()
    return ngettext(
        "Too many wrong passwords. For your safety, signing in to this account or from your network address "
        "is paused for %(minutes)d minute; every new attempt starts the pause again. If the account exists, "
        "its owner has been told by e-mail. Setting a new password with “Forgotten your password?” ends "
        "the pause for the account.",
        "Too many wrong passwords. For your safety, signing in to this account or from your network address "
        "is paused for %(minutes)d minutes; every new attempt starts the pause again. If the account exists, "
        "its owner has been told by e-mail. Setting a new password with “Forgotten your password?” ends "
        "the pause for the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out attempt gets (AXES_LOCKOUT_CALLABLE): 429 with the message, as JSON for the API."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = retry_after
    return response


def account_failures(email: str) -> int:
    """Wrong passwords given for this account within the lockout period, from any address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=email, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


@receiver(user_locked_out, dispatch_uid="accounts.lockout.tell_the_owner")
def tell_the_owner(sender, request=None, username=None, **kwargs) -> None:
    """A lockout of the account itself (not only of an address that tried many accounts) is mailed to its
    owner, once per lockout period however many attempts follow."""
    if not username or account_failures(username) < settings.AXES_FAILURE_LIMIT:
        return
    user = User.objects.filter(email__iexact=username, is_active=True).first()
    if user is not None:
        send_lockout_notice(user, minutes=lockout_minutes())


def account_lockout_end(email: str) -> None:
    """Forget the wrong passwords given for this account: the owner proved the mailbox with a reset."""
    AxesProxyHandler.reset_attempts(username=email.strip().lower())
