"""Committee members can download a packet with every supporter's PESEL or date of birth: they may turn on
two-step sign-in, and the page with the packet's download link suggests it to those who have not."""

# ruff: noqa: F811  (the fixtures imported below are named again as test arguments)

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiative.models import Packet
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    collecting_initiative,
    filed_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)

SUGGESTION = 'id="two-factor-suggestion"'


def ready_packet(initiative) -> None:
    Packet.objects.filter(initiative=initiative).update(
        status="ready", sha256="a" * 64, merkle_root="b" * 64, ready_at=timezone.now()
    )


def signed_in(user, code: str = "") -> Client:
    browser = Client()
    browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    if code:
        browser.post("/accounts/sign-in/code/", {"code": code})
    return browser


def test_a_committee_member_turns_on_two_step_sign_in_and_the_suggestion_goes(filed_initiative, author):
    ready_packet(filed_initiative)
    manage = f"/initiatives/{filed_initiative.pk}/manage/"
    browser = signed_in(author)

    page = browser.get(manage).content.decode()
    assert SUGGESTION in page
    assert "Chroń dane popierających logowaniem dwuetapowym." in page
    assert 'href="/accounts/#two-step-title"' in page
    assert f"/api/v1/initiatives/{filed_initiative.pk}/packet.pdf?version=1" in page

    assert browser.post("/accounts/two-step/enable/")["Location"] == "/accounts/two-step/confirm/"
    device = TOTPDevice.objects.get(user=author, confirmed=False)
    assert browser.post("/accounts/two-step/confirm/", {"code": totp_code(device.bin_key)}).status_code == 302
    assert TOTPDevice.objects.get(user=author).confirmed

    assert SUGGESTION not in browser.get(manage).content.decode()
    # From now on the member signs in with a code.
    again = signed_in(author, code=totp_code(device.bin_key, steps_ahead=1))
    assert again.get(manage).wsgi_request.user.is_verified()


def test_no_suggestion_before_there_is_a_packet(collecting_initiative, author):
    page = signed_in(author).get(f"/initiatives/{collecting_initiative.pk}/manage/").content.decode()

    assert SUGGESTION not in page
