"""Rate limits on signing and confirming: per client address and per initiative, a clear 429 past them.

Off with RATE_LIMITS=off (load tests). The rates are in config.rate_limits.RATES; counters live in the shared
cache and addresses come from config.rate_limits (which honours TRUSTED_PROXY_COUNT).
"""

from config.rate_limits import RateLimit


class SigningPerAddressThrottle(RateLimit):
    scope = "signing"


class ConfirmingPerAddressThrottle(SigningPerAddressThrottle):
    scope = "confirming"


class SigningPerInitiativeThrottle(RateLimit):
    scope = "signing_initiative"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("initiative_id")}
