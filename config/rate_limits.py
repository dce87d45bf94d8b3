"""Who the client is, for every rate limit and lockout, and the throttle the limits are built on.

The client's address has one rule, here: the connection's address, unless TRUSTED_PROXY_COUNT proxies stand
in front of the app; then the address the nearest of them saw, which it appended to X-Forwarded-For. Anything
a client writes into that header itself sits further left and is never read, so a client cannot pick a new
address for each request. DRF's throttles (RateLimit below), django-axes (AXES_CLIENT_IP_CALLABLE) and the
pages' limits all ask `client_address`.

Counters live in the default cache, which is shared by every process (config/settings.py, CACHES), and
RATE_LIMITS=off turns every limit off (docs/contract.md §Settings).

DRF's throttle reads a counter's history, decides and writes it back: two requests at the same moment both
read the old history, and a burst of 30 calls at once got 18 through a limit of 10. Checks of one counter
therefore take turns under a PostgreSQL advisory lock named after it (every process shares the database,
whichever cache holds the counters); checks of different counters never wait for each other.
"""

import ipaddress
import math
import types

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

# Every rate limit of the platform, by scope: a rate, or the name of the setting that holds it (those an
# operator may tune are read from the environment in config/settings.py). Wrong passwords are not here: the
# lockout counts them per account (accounts/lockout.py, AXES_FAILURE_LIMIT).
RATES = {
    # An address may be a household or an office behind one router: generous, but not a script's pace.
    "signing": "20/min",
    "confirming": "30/min",
    # A whole initiative: far above a real campaign's peak, low enough to blunt a flood of fake entries.
    "signing_initiative": "3000/min",
    # Checking a large packet costs seconds of a worker: a few a minute from one address is plenty.
    "packet_verifying": "10/min",
    # Pointing the operators to a council's resolution: a person has one or two to tell.
    "rules_report": "5/hour",
    # Guessing passwords and codes through the API, on top of the lockout.
    "auth": "AUTH_THROTTLE_RATE",
    # The account pages that send mail.
    "sign_up": "SIGN_UP_RATE",
    "password_reset": "PASSWORD_RESET_RATE_PER_ADDRESS",
    "password_reset_account": "PASSWORD_RESET_RATE_PER_ACCOUNT",
}


def rate_of(scope: str) -> str:
    """The rate of a limit, from RATES (read from settings at each call, so a test may override it)."""
    rate = RATES[scope]
    return getattr(settings, rate) if rate.isupper() else rate


# The first key of the two-key advisory locks that make a counter's check one step (any constant of ours).
COUNTER_LOCK = 7302


def client_address(request: HttpRequest) -> str:
    """The client's IP address as the nearest trusted proxy saw it (or the connection's, without proxies)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Each trusted proxy appends the address it received from; the one nearest to us appended last. With
    # fewer entries than proxies a proxy was bypassed or misconfigured: the left-most is the best we have.
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address at all: a proxy misconfigured, never a reason to trust the client
        return remote


class RateLimit(SimpleRateThrottle):
    """A DRF throttle counting per client address (`client_address`), off with RATE_LIMITS=off.

    Subclasses set `scope` (its rate is in RATES), or override `get_cache_key` to count something else.
    """

    def get_rate(self) -> str:
        return rate_of(self.scope)

    def get_ident(self, request) -> str:
        return client_address(getattr(request, "_request", request))

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        if not settings.RATE_LIMITS:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [COUNTER_LOCK, key])
            return super().allow_request(request, view)


def wait_seconds(request: HttpRequest, limits, **view_kwargs) -> int | None:
    """The one way a page applies a limit: count this request against each limit (RateLimit classes, or
    instances of one that needs arguments; `view_kwargs` are the URL's, e.g. initiative_id for a limit per
    initiative); the seconds to wait when one is reached, else None. The API's views apply the same classes
    as DRF throttles.

    Every limit counts the request, so a refused request still uses up the others (as in DRF).
    """
    view = types.SimpleNamespace(kwargs=view_kwargs)
    waits = []
    for limit in (limit() if isinstance(limit, type) else limit for limit in limits):
        if not limit.allow_request(request, view):
            waits.append(limit.wait() or 60)
    return max(1, math.ceil(max(waits))) if waits else None
