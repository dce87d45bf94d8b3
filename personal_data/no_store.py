"""No browser or proxy keeps a copy of an answer that may hold personal data (`Cache-Control: no-store`).

Personal data never travel in a URL (docs/privacy.md), so an anonymous GET can only ask for what is
public. Every other answer may hold them: to a POST (a form sent back with what the person typed, a
statement PDF, a signed-in person's API call), or to anyone signed in (a committee's rows, a clerk's list
of supporters, an account). Those are marked here, in one place, rather than view by view, where a new
view would be forgotten; a view's own cache header is kept and `no-store` added to it.
"""

from django.utils.cache import patch_cache_control

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _may_hold_personal_data(request) -> bool:
    if request.method not in SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)  # DRF puts its token's user here too, once it authenticated
    return bool(user is not None and user.is_authenticated)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _may_hold_personal_data(request):
            patch_cache_control(response, no_store=True)
        return response
