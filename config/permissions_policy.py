"""The Permissions-Policy header, from settings.PERMISSIONS_POLICY (feature → allowed origins).

Django sets the other security headers itself and django-csp the Content-Security-Policy; this one has no
home in either. An empty list denies the feature to the page and to every frame in it: `camera=()`.
"""

from collections.abc import Sequence

from django.conf import settings

HEADER = "Permissions-Policy"


def policy_header(policy: dict[str, Sequence[str]]) -> str:
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and HEADER not in response:
            response[HEADER] = self.header
        return response
