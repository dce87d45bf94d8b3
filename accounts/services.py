"""Use cases of accounts: creating users, signing up and confirming, signing in, two-factor on and off."""

from collections.abc import Sequence

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.api_tokens import api_token_issue, api_tokens_revoke_all
from accounts.emails import send_email_confirmation, send_existing_account_notice
from accounts.errors import AccountRefused
from accounts.lockout import account_lockout_end, attempts_in_turn
from accounts.models import ClerkMembership, User
from accounts.tokens import email_confirmation_user
from accounts.two_factor import CodeCheck
from municipalities.models import Unit


def email_normalize(email: str) -> str:
    return (email or "").strip().lower()


def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    clerk_of: Sequence[str] = (),
    operator: bool = False,
) -> tuple[User, TOTPDevice | None]:
    """An account made by an operator: the address counts as confirmed. Clerks and operators get a confirmed
    TOTP device at once (they cannot sign in without one); others get none.

    All or nothing: an unknown TERC code or a taken address leaves no row behind.
    """
    email = email_normalize(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise AccountRefused(_("“%(email)s” is not an e-mail address.") % {"email": email}) from error
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise AccountRefused(_("A user with the e-mail address %(email)s exists.") % {"email": email})
            units = []
            for teryt in dict.fromkeys(clerk_of):  # the same council twice is one membership
                unit = Unit.objects.filter(teryt=teryt).first()
                if unit is None:
                    raise AccountRefused(_("No council has the TERC code “%(teryt)s”.") % {"teryt": teryt})
                units.append(unit)
            user = User.objects.create_user(
                email, password, full_name=full_name, is_staff=operator, email_confirmed_at=timezone.now()
            )
            ClerkMembership.objects.bulk_create(ClerkMembership(user=user, unit=unit) for unit in units)
            device = two_factor.device_create(user, confirmed=True) if user.must_use_two_factors else None
    except IntegrityError as error:  # the same address created twice at once: the constraint decides
        raise AccountRefused(
            _("A user with the e-mail address %(email)s exists.") % {"email": email}
        ) from error
    return user, device


def user_sign_up(*, email: str, password: str, full_name: str = "") -> None:
    """Sign-up from the public page. The answer never tells whether the address has an account: every path
    hashes one password (same time) and mails only the address's owner.
    """
    email = email_normalize(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.email_confirmed:
        make_password(password)
        send_existing_account_notice(existing)
        return
    if existing is not None:
        # Not confirmed yet: the newest sign-up wins and links sent for earlier ones stop working (the
        # token binds the password). Whoever holds the mailbox confirms a password they chose.
        existing.set_password(password)
        existing.full_name = full_name or existing.full_name
        existing.save(update_fields=["password", "full_name"])
        send_email_confirmation(existing)
        return
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=full_name)
    except IntegrityError:  # the same address signed up twice at once; the first one mails its link
        return
    send_email_confirmation(user)


def user_email_confirm(*, token: str, password: str) -> User | None:
    """Confirm the address a link was sent to; None when the link is forged, expired or outdated.

    The password chosen at sign-up must be typed again: otherwise someone who signs up with another
    person's address would get their account confirmed, with the intruder's password, by the owner's click.
    AccountRefused(code="password") when it does not match.
    """
    user = email_confirmation_user(token)
    if user is None:
        return None
    if not user.email_confirmed and not user.check_password(password):
        raise AccountRefused(
            _(
                "This is not the password chosen when the account was created. If you did not create this "
                "account, ignore the e-mail; if you forgot the password, reset it."
            ),
            code="password",
        )
    user.email_confirm()
    return user


def user_email_confirmation_resend(*, email: str) -> None:
    """Send the confirmation link again when the address has an unconfirmed account; silent otherwise."""
    user = User.objects.filter(email__iexact=email_normalize(email), is_active=True).first()
    if user is not None and not user.email_confirmed:
        send_email_confirmation(user)


def user_password_reset_done(*, user: User) -> None:
    """A reset proves the mailbox (so the address is confirmed), ends API access with the old password and
    ends a lockout of the account after wrong passwords (whoever guessed no longer has the password to guess).
    """
    user.email_confirm()
    api_tokens_revoke_all(user=user)
    account_lockout_end(user.email)


def credentials_check(*, request: HttpRequest, email: str, password: str) -> User:
    """The first factor. The refusal for a wrong password is the same whether or not the address exists.

    The request is needed: the lockout after wrong passwords counts per client address (accounts/lockout.py).
    """
    with attempts_in_turn(email):
        user = authenticate(request, email=email_normalize(email), password=password)
    if user is None:
        raise AccountRefused(_("The e-mail address or the password is wrong."), code="credentials")
    if not user.email_confirmed:
        raise AccountRefused(
            _("Confirm your e-mail address first: open the link in the e-mail we sent you."),
            code="unconfirmed",
        )
    return user


def sign_in_start(*, request: HttpRequest, email: str, password: str) -> User:
    """The first step on the site. Clerks and operators without a device cannot go on: only an operator can
    give them one (create_user), because setting one up would otherwise need only the password.
    """
    user = credentials_check(request=request, email=email, password=password)
    if user.must_use_two_factors and not two_factor.has_confirmed_device(user):
        raise no_device_refusal()
    return user


def no_device_refusal() -> AccountRefused:
    return AccountRefused(
        _(
            "This account signs in with a one-time code, but no authenticator app is set up for it. "
            "Ask an operator to set one up."
        ),
        field="otp",
        code="no_device",
    )


def second_factor_check(*, user: User, code: str) -> TOTPDevice:
    """The second factor: a current code from the user's confirmed device. Refusals name the field `otp`."""
    device = two_factor.confirmed_device(user)
    if device is None:
        raise no_device_refusal()
    if not two_factor.code_normalize(code):
        raise AccountRefused(
            _("Enter the 6-digit code from your authenticator app."), field="otp", code="required"
        )
    check = two_factor.code_check(device, code)
    if not check.accepted:
        raise code_refusal(check)
    return check.device


def code_refusal(check: CodeCheck) -> AccountRefused:
    if check.locked_until is not None:
        seconds = max(1, int((check.locked_until - timezone.now()).total_seconds()) + 1)
        message = ngettext(
            "Too many wrong codes. Try again in %(seconds)d second.",
            "Too many wrong codes. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        return AccountRefused(message, field="otp", code="throttled")
    return AccountRefused(
        _("The code is wrong or has expired. Enter the code your app shows now."), field="otp", code="invalid"
    )


def auth_token_obtain(*, request: HttpRequest, email: str, password: str, otp: str = "") -> str:
    """A new API token, returned once (only its digest is kept). A code is needed where the site's sign-in
    needs one."""
    user = credentials_check(request=request, email=email, password=password)
    if two_factor.needs_code(user):
        second_factor_check(user=user, code=otp)
    _row, token = api_token_issue(user=user)
    return token


def two_factor_enable_start(*, user: User) -> TOTPDevice:
    """A new unconfirmed device whose key the person copies into an app; nothing changes at sign-in yet."""
    if two_factor.has_confirmed_device(user):
        raise AccountRefused(_("Two-step sign-in is already on."), code="already_on")
    return two_factor.device_create(user, confirmed=False)


def two_factor_enable_confirm(*, user: User, code: str) -> TOTPDevice:
    """The person proves the app works by typing a code; from now on signing in asks for one.

    API tokens issued with the password alone are deleted: they would bypass the new second step.
    """
    device = two_factor.pending_device(user)
    if device is None:
        raise AccountRefused(_("Start again: the set-up has expired."), code="no_pending_device")
    check = two_factor.code_check(device, code)
    if not check.accepted:
        raise code_refusal(check)
    with transaction.atomic():
        device = check.device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        api_tokens_revoke_all(user=user)
    return device


def two_factor_disable(*, user: User, code: str) -> None:
    """Turning it off needs a current code; clerks and operators may not turn it off."""
    if user.must_use_two_factors:
        raise AccountRefused(
            _("Clerks and operators always sign in with a one-time code; it cannot be turned off."),
            code="required_for_role",
        )
    if not two_factor.has_confirmed_device(user):
        raise AccountRefused(_("Two-step sign-in is already off."), code="already_off")
    second_factor_check(user=user, code=code)
    TOTPDevice.objects.filter(user=user).delete()
