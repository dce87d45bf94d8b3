"""Guards for pages of people who sign in with two factors (clerks, operators, anyone who turned it on)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login

from accounts.two_factor import needs_code


def signed_in_enough(request) -> bool:
    """Signed in, and with a code where the person needs one.

    A session started without a code (Django's admin sign-in, say) is not enough for such a person: they go
    through the sign-in again, which asks for the code.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    return not needs_code(user) or user.is_verified()


def verified_login_required(view):
    """Like login_required, but a clerk, an operator or a person with two-step sign-in on must also have
    given a code in this session (django-otp's `is_verified()`); otherwise off to the sign-in page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not signed_in_enough(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


class VerifiedLoginRequiredMixin:
    """verified_login_required for class-based views."""

    def dispatch(self, request, *args, **kwargs):
        if not signed_in_enough(request):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)
