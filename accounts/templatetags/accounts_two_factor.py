"""`{% two_factor_suggestion %}`: on pages that hand out many people's data (a committee's packet), a nudge
to turn on two-step sign-in for whoever signs in with a password alone."""

from django import template

from accounts.two_factor import has_confirmed_device

register = template.Library()


@register.inclusion_tag("accounts/_two_factor_suggestion.html", takes_context=True)
def two_factor_suggestion(context) -> dict:
    user = context.get("user")
    show = bool(user and user.is_authenticated and not has_confirmed_device(user))
    return {"show": show}
