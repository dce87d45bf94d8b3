"""Pages for signing up, in and out, resetting a password and turning two-step sign-in on and off.

Every page works without JavaScript. Anything that changes state is a POST: mail scanners open links in
e-mails, so a GET never confirms or signs out anything.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import limits, services, two_factor
from accounts.decorators import verified_login_required
from accounts.emails import confirmation_valid_days, password_reset_valid_hours
from accounts.errors import AccountRefused
from accounts.forms import (
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    CodeForm,
    EmailOnlyForm,
    SignInForm,
    SignUpForm,
)
from accounts.models import User
from accounts.tokens import email_confirmation_user

PENDING_SIGN_IN = "accounts:pending_sign_in"
CHECK_EMAIL = "accounts:check_email"


def safe_next(request, value: str | None = None) -> str:
    """Where to go after signing in: a path on this site only, never another site (open redirect)."""
    value = value if value is not None else request.POST.get("next") or request.GET.get("next", "")
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return ""


def posted(request):
    """The form's data on a POST (even an empty one, so that it shows what is missing); None on a GET."""
    return request.POST if request.method == "POST" else None


def after_sign_in(next_url: str):
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def rate_limited(request, message: str, wait: int):
    """429 with what happened and when to try again; nothing was done."""
    response = render(
        request,
        "accounts/rate_limited.html",
        {"message": f"{message} {limits.wait_message(wait)}"},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@sensitive_post_parameters("password1", "password2")
@never_cache
def sign_up(request):
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        wait = limits.sign_up_wait(request)
        if wait is not None:
            return rate_limited(
                request, _("Too many accounts were created from your network address in a short while."), wait
            )
        services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
        )
        request.session[CHECK_EMAIL] = form.cleaned_data["email"]
        return redirect("accounts:check-email")
    return render(request, "accounts/sign_up.html", {"form": form})


def check_email(request):
    """After signing up or asking for a new link: the same page whether or not the address has an account."""
    return render(
        request,
        "accounts/check_email.html",
        {"email": request.session.get(CHECK_EMAIL, ""), "valid_days": confirmation_valid_days()},
    )


@never_cache
@sensitive_post_parameters("password")
def confirm_email(request, token: str):
    """GET shows the form and changes nothing (mail scanners open links); the POST confirms."""
    error = ""
    if request.method == "POST":
        try:
            user = services.user_email_confirm(token=token, password=request.POST.get("password", ""))
        except AccountRefused as refusal:
            user, error = email_confirmation_user(token), refusal.message
        else:
            if user is not None:
                messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
                return redirect("accounts:sign-in")
        status = 400
    else:
        user = email_confirmation_user(token)
        status = 200
    return render(
        request, "accounts/confirm_email.html", {"confirm_user": user, "password_error": error}, status=status
    )


@require_POST
def confirm_email_resend(request):
    form = EmailOnlyForm(request.POST)
    if form.is_valid():
        services.user_email_confirmation_resend(email=form.cleaned_data["email"])
        request.session[CHECK_EMAIL] = form.cleaned_data["email"]
    return redirect("accounts:check-email")


@sensitive_post_parameters("password")
@never_cache
def sign_in(request):
    next_url = safe_next(request)
    form = SignInForm(posted(request))
    unconfirmed_email = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_start(request=request, **form.cleaned_data)
        except AccountRefused as refusal:
            form.add_error(None, refusal.message)
            if refusal.code == "unconfirmed":
                unconfirmed_email = form.cleaned_data["email"]
        else:
            if two_factor.needs_code(user):
                request.session[PENDING_SIGN_IN] = {
                    "user": user.pk,
                    "hash": user.get_session_auth_hash(),
                    "backend": user.backend,
                    "at": int(time.time()),
                    "next": next_url,
                }
                return redirect("accounts:sign-in-code")
            auth_login(request, user)
            return after_sign_in(next_url)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": next_url,
            "unconfirmed_email": unconfirmed_email,
            "resend_form": EmailOnlyForm(initial={"email": unconfirmed_email}),
        },
    )


def pending_sign_in_user(request) -> tuple[User | None, dict]:
    """The person who gave the right password in this browser in the last few minutes, if any.

    The password's hash is compared as well: a password changed in between ends the half-done sign-in.
    """
    pending = request.session.get(PENDING_SIGN_IN) or {}
    if not pending or time.time() - pending.get("at", 0) > settings.SIGN_IN_CODE_MAX_AGE:
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        return None, {}
    user.backend = pending["backend"]
    return user, pending


@sensitive_post_parameters("code")
@never_cache
def sign_in_code(request):
    user, pending = pending_sign_in_user(request)
    if user is None:
        request.session.pop(PENDING_SIGN_IN, None)
        messages.info(
            request, _("Please sign in again: the code did not come in time, or the sign-in was not started.")
        )
        return redirect("accounts:sign-in")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        except AccountRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            del request.session[PENDING_SIGN_IN]
            auth_login(request, user)  # a new session key: the one from before the password cannot be reused
            otp_login(request, device)
            return after_sign_in(pending.get("next", ""))
    return render(request, "accounts/sign_in_code.html", {"form": form})


@never_cache
def sign_out(request):
    """GET asks (a link in the menu); only the POST signs out."""
    if request.method == "POST":
        auth_logout(request)
        messages.success(request, _("You have signed out."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(request, "accounts/sign_out.html")


@verified_login_required
def account(request):
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "two_factor_on": two_factor.has_confirmed_device(user),
            "two_factor_required": user.must_use_two_factors,
        },
    )


@require_POST
@verified_login_required
def two_factor_enable(request):
    try:
        services.two_factor_enable_start(user=request.user)
    except AccountRefused as refusal:
        messages.info(request, refusal.message)
        return redirect("accounts:account")
    return redirect("accounts:two-factor-confirm")


@never_cache
@verified_login_required
def two_factor_confirm(request):
    device = two_factor.pending_device(request.user)
    if device is None:
        return redirect("accounts:account")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.two_factor_enable_confirm(user=request.user, code=form.cleaned_data["code"])
        except AccountRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            otp_login(request, confirmed)  # this session gave a code: it counts as verified
            messages.success(request, _("Two-step sign-in is on. From now on, signing in asks for a code."))
            return redirect("accounts:account")
    uri = two_factor.otpauth_uri(device)
    return render(
        request,
        "accounts/two_factor_confirm.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(uri, title=_("QR code for your authenticator app")),
            "secret": two_factor.secret_text(device),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@never_cache
@verified_login_required
def two_factor_disable(request):
    user = request.user
    if not two_factor.has_confirmed_device(user):
        return redirect("accounts:account")
    form = CodeForm(posted(request))
    if request.method == "POST" and not user.must_use_two_factors and form.is_valid():
        try:
            services.two_factor_disable(user=user, code=form.cleaned_data["code"])
        except AccountRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            messages.success(request, _("Two-step sign-in is off. Signing in asks only for your password."))
            return redirect("accounts:account")
    return render(
        request,
        "accounts/two_factor_disable.html",
        {"form": form, "two_factor_required": user.must_use_two_factors},
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL, "valid_hours": password_reset_valid_hours()}

    def form_valid(self, form):
        wait = limits.password_reset_wait(self.request, form.cleaned_data["email"])
        if wait is not None:
            return rate_limited(
                self.request,
                _(
                    "Too many links for a new password were asked for, from your network address or for this "
                    "e-mail address. For safety we send no more for now; the links already sent keep working."
                ),
                wait,
            )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"valid_hours": password_reset_valid_hours()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AccountSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_reset_done(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sign_in_url": reverse("accounts:sign-in")}
