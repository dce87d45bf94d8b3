"""Sessions end after a time without requests: SESSION_IDLE_MINUTES_CLERKS for clerks and operators (they
see many people's data, often on shared office computers), SESSION_IDLE_MINUTES for everyone else.

The time of the last request is kept in the session, set when the person signs in and then written at
most once a minute, so that a busy page does not save the session on every request; a session can so
outlive its limit by under a minute.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import ngettext

LAST_SEEN = "accounts:last_seen"
STAMP_EVERY_SECONDS = 60


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.SESSION_IDLE_MINUTES_CLERKS if user.must_use_two_factors else settings.SESSION_IDLE_MINUTES
    )
    return minutes * 60


@receiver(user_logged_in, dispatch_uid="accounts.idle_timeout.clock_starts")
def clock_starts(sender, request, user, **kwargs) -> None:
    """The idle clock starts at sign-in, not at the next request (which may come from a stolen cookie)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN] = time.time()


class SessionIdleTimeoutMiddleware:
    """Signs out a session idle for longer than its limit, before the view runs, and says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request) -> None:
        now = time.time()
        seen = request.session.get(LAST_SEEN)
        limit = idle_limit_seconds(request.user)
        if seen is not None and now - seen > limit:
            logout(request)
            minutes = limit // 60
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity. Please sign in again.",
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        elif seen is None or now - seen >= STAMP_EVERY_SECONDS:
            request.session[LAST_SEEN] = now
