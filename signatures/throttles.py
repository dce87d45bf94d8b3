"""Rate limits on signing and confirming: per client address and per initiative, a clear 429 past them.

Off with RATE_LIMITS=off (load tests). Counters live in the shared cache and addresses come from
config.rate_limits (which honours TRUSTED_PROXY_COUNT).
"""

from config.rate_limits import RateLimit

RATES = {
    # An address may be a household or an office behind one router: generous, but not a script's pace.
    "signing": "20/min",
    "confirming": "30/min",
    # A whole initiative: far above a real campaign's peak, low enough to blunt a flood of fake entries.
    "signing_initiative": "3000/min",
}


class _Throttle(RateLimit):
    def get_rate(self):
        return RATES[self.scope]


class SigningPerAddressThrottle(_Throttle):
    scope = "signing"


class ConfirmingPerAddressThrottle(SigningPerAddressThrottle):
    scope = "confirming"


class SigningPerInitiativeThrottle(_Throttle):
    scope = "signing_initiative"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("initiative_id")}
