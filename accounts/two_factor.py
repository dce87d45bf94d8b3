"""The second factor: TOTP devices (django-otp) and their QR codes (segno). Nothing else imports either.

A person has at most one confirmed device, and at most one unconfirmed device while turning two-factor
sign-in on; the unconfirmed one is confirmed by typing a code it produces.
"""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

CODE_PATTERN = re.compile(r"^\d{6}$")
DEVICE_NAME = "authenticator"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: the device that accepted it, or why none did."""

    device: TOTPDevice | None
    locked_until: datetime | None = None  # set when wrong codes came too fast (django-otp's throttling)

    @property
    def accepted(self) -> bool:
        return self.device is not None


def code_normalize(code: str) -> str:
    """People type codes as apps show them ("123 456"): keep the digits."""
    return re.sub(r"[\s-]", "", code or "")


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user: User) -> bool:
    """Signing in asks for a code: always for clerks and operators, and for anyone who turned it on."""
    return user.must_use_two_factors or has_confirmed_device(user)


def device_create(user: User, *, confirmed: bool) -> TOTPDevice:
    """A new device with a fresh random key, replacing any unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=confirmed)


def code_check(device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code against one device; a code is accepted once (django-otp remembers the last time step).

    The device row is locked so that the same code sent twice at once cannot be accepted twice.
    """
    code = code_normalize(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(device=None, locked_until=(details or {}).get("locked_until"))
        if CODE_PATTERN.match(code) and device.verify_token(code):
            return CodeCheck(device=device)
        if not CODE_PATTERN.match(code):
            # verify_token was not called: count the attempt all the same, so guessing stays throttled.
            device.throttle_increment()
        return CodeCheck(device=None)


def otpauth_uri(device: TOTPDevice) -> str:
    """The otpauth://totp/… URI an authenticator app reads (issuer from OTP_TOTP_ISSUER)."""
    return device.config_url


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(uri: str, *, title: str) -> str:
    """The URI as an inline SVG QR code (no image request, works without JavaScript). It has a viewBox and no
    fixed size, so the page's CSS can fit it to a phone; role="img" lets screen readers announce its title.
    """
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code__image", omitsize=True
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)
