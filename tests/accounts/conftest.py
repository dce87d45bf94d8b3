"""Personas for accounts: a resident, a resident who turned on two-step sign-in, a clerk of Gliwice, an
operator and someone who signed up but never confirmed. Passwords are real enough for the validators.
"""

import re
import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.test import Client, TestCase
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import user_create

PASSWORD = "Zielona łąka 2024 nad Odrą"
GLIWICE = "2466011"
KRAKOW = "1261011"


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Django's real hasher takes a third of a second on purpose; these tests check flows, not its cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def totp_code(key: bytes, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for this key. A code is accepted once, so a second sign-in in the
    same test uses the next time step (the device allows one step of clock drift either way).
    """
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def device_code(user: User, *, steps_ahead: int = 0, confirmed: bool = True) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=confirmed)
    return totp_code(device.bin_key, steps_ahead=steps_ahead)


def key_from_uri(uri: str) -> bytes:
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    return b32decode(secret + "=" * (-len(secret) % 8))


def link_in(body: str, prefix: str) -> str:
    match = re.search(re.escape(prefix) + r"\S+", body)
    assert match, f"no link starting with {prefix} in:\n{body}"
    return match.group(0)


def path_in(body: str, path_prefix: str) -> str:
    """The path of the link in a mail whose path starts with path_prefix (whatever SITE_URL is)."""
    return urlparse(link_in(body, settings.SITE_URL + path_prefix)).path


@pytest.fixture
def resident(db) -> User:
    user, _device = user_create(email="ala.nowak@example.org", password=PASSWORD, full_name="Ala Nowak")
    return user


@pytest.fixture
def resident_with_two_steps(db) -> User:
    user, _device = user_create(email="jan.kowalski@example.org", password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


@pytest.fixture
def clerk(demo_units) -> User:
    user, _device = user_create(email="urzednik@gliwice.eu", password=PASSWORD, clerk_of=[GLIWICE])
    return user


@pytest.fixture
def operator(db) -> User:
    user, _device = user_create(email="operator@inicjatywa.example", password=PASSWORD, operator=True)
    return user


@pytest.fixture
def unconfirmed(db) -> User:
    return User.objects.create_user("nowy@example.org", PASSWORD)


class CommittingClient(Client):
    """A browser whose every request ends as it does outside the test's transaction: what the request set to
    happen after its commit (the outbox sending its e-mails) happens when it returns."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def browser() -> Client:
    """A browser with no language preference: pages come in Polish."""
    return CommittingClient()
