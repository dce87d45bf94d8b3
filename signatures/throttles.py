"""Rate limits on signing and confirming: per client address and per initiative, a clear 429 past them.

Off with RATE_LIMITS=off (load tests). Counters live in the cache: set CACHE_URL to share them between
processes in production.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

RATES = {
    # An address may be a household or an office behind one router: generous, but not a script's pace.
    "signing": "20/min",
    "confirming": "30/min",
    # A whole initiative: far above a real campaign's peak, low enough to blunt a flood of fake entries.
    "signing_initiative": "3000/min",
}


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        return RATES[self.scope]

    def allow_request(self, request, view):
        if not settings.RATE_LIMITS:
            return True
        return super().allow_request(request, view)


class SigningPerAddressThrottle(_Throttle):
    scope = "signing"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ConfirmingPerAddressThrottle(SigningPerAddressThrottle):
    scope = "confirming"


class SigningPerInitiativeThrottle(_Throttle):
    scope = "signing_initiative"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("initiative_id")}
