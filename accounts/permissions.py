from rest_framework.permissions import BasePermission

from accounts.authentication import ApiTokenAuthentication
from accounts.two_factor import needs_code


class IsVerifiedWhenRequired(BasePermission):
    """Signed in, with a second factor where the person needs one (the API's verified_login_required).

    A token counts: POST /api/v1/auth/token/ gives one to such a person only with a current code, and turning
    two-step sign-in on deletes tokens issued before. A session counts when it was verified with a code.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if isinstance(request.successful_authenticator, ApiTokenAuthentication):
            return True
        is_verified = getattr(user, "is_verified", None)
        return not needs_code(user) or bool(is_verified and is_verified())
