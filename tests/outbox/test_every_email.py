"""Every kind of e-mail the platform sends goes through the outbox, and nothing sends mail around it.

Each kind is caused here the way the platform causes it. Under the `db` fixture nothing commits, so an
e-mail sent directly would be in Django's test mailbox at once, while one that went into the outbox waits
there until a run sends it: that tells the two apart. The list is checked against the e-mail templates on
disk, so a new kind of e-mail has to be added here, and so go through the outbox, to pass.
"""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils.timezone import localdate

from outbox.delivery import emails_send
from outbox.models import Email
from tests.initiative.conftest import receive
from tests.signatures.conftest import supporter

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
SUPPORTER = supporter()


def sign_up(request):
    from accounts.services import user_sign_up

    return lambda: user_sign_up(email="nowa.osoba@example.org", password="Zielona łąka 2024 nad Odrą")


def sign_up_again(request):
    from accounts.services import user_sign_up

    resident = request.getfixturevalue("resident")
    return lambda: user_sign_up(email=resident.email, password="Zielona łąka 2024 nad Odrą")


def password_reset(request):
    resident = request.getfixturevalue("resident")
    return lambda: Client().post("/accounts/password-reset/", {"email": resident.email})


def lockout_notice(request):
    from accounts.emails import send_lockout_notice

    resident = request.getfixturevalue("resident")
    return lambda: send_lockout_notice(resident, minutes=15)


def password_reset_limit_notice(request):
    from accounts.emails import send_password_reset_limit_notice

    resident = request.getfixturevalue("resident")
    return lambda: send_password_reset_limit_notice(resident, minutes=60)


def invitation(request):
    from initiative.committee import committee_invite

    author = request.getfixturevalue("author")
    draft = request.getfixturevalue("start_initiative")(author)
    return lambda: committee_invite(initiative_id=draft.pk, actor=author, email="zaproszona@example.org")


def opening(request):
    from initiative.services import initiative_open

    author, ready = request.getfixturevalue("author"), request.getfixturevalue("ready_initiative")
    return lambda: initiative_open(initiative_id=ready.pk, actor=author)


def decision(action: str):
    def cause(request):
        from initiative.emails import send_committee_notice

        filed = request.getfixturevalue("filed_initiative")
        return lambda: send_committee_notice(filed.pk, action)

    return cause


def received(request):
    """The filed initiative, received by the council's office today."""
    filed, clerk = request.getfixturevalue("filed_initiative"), request.getfixturevalue("clerk_of_gliwice")
    return receive(filed, clerk), clerk


def receipt(request):
    from initiative.clerk.decisions import initiative_receive

    filed, clerk = request.getfixturevalue("filed_initiative"), request.getfixturevalue("clerk_of_gliwice")
    return lambda: initiative_receive(
        initiative_id=filed.pk, clerk=clerk, received_on=localdate(filed.submitted_at)
    )


def start_verification(request):
    from initiative.clerk.decisions import initiative_start_verification

    initiative, clerk = received(request)
    return lambda: initiative_start_verification(initiative_id=initiative.pk, clerk=clerk)


def deadline_reminder(request):
    from initiative.filing.reminders import deadline_reminders_send

    initiative, _clerk = received(request)
    return lambda: deadline_reminders_send(
        today=initiative.consideration_deadline - datetime.timedelta(days=14)
    )


def verification_reminder(request):
    from initiative.filing.reminders import deadline_reminders_send
    from initiative.models import Initiative

    filed = request.getfixturevalue("filed_initiative")
    rules = {**Initiative.objects.get(pk=filed.pk).rules, "verification_days": 14}
    Initiative.objects.filter(pk=filed.pk).update(rules=rules)
    initiative, _clerk = received(request)
    return lambda: deadline_reminders_send(
        today=initiative.verification_deadline - datetime.timedelta(days=3)
    )


def receipt_reminder(request):
    from initiative.filing.reminders import deadline_reminders_send

    filed = request.getfixturevalue("filed_initiative")
    request.getfixturevalue("clerk_of_gliwice")
    return lambda: deadline_reminders_send(today=localdate(filed.submitted_at) + datetime.timedelta(days=7))


def packet_ready(request):
    from initiative.filing.packet.emails import send_packet_ready
    from initiative.models import Packet

    filed = request.getfixturevalue("filed_initiative")
    packet = Packet.objects.select_related("initiative__municipality").get(initiative=filed)
    return lambda: send_packet_ready(packet)


def declaration(request):
    from signatures.services import signature_submit

    collecting = request.getfixturevalue("collecting_initiative")
    return lambda: signature_submit(initiative_id=collecting.pk, data=SUPPORTER, method="email")


def confirmed_declaration(request):
    """An e-mail declaration, confirmed; returns (initiative, signature)."""
    from signatures.services import signature_submit

    collecting = request.getfixturevalue("collecting_initiative")
    signature = signature_submit(initiative_id=collecting.pk, data=SUPPORTER, method="email").signature
    return collecting, signature


def confirmation(request):
    from signatures.services import signature_confirm
    from signatures.tokens import confirm_token

    _initiative, signature = confirmed_declaration(request)
    return lambda: signature_confirm(token=confirm_token(signature.pk))


def repeat(request):
    from signatures.services import signature_confirm, signature_submit
    from signatures.tokens import confirm_token

    initiative, signature = confirmed_declaration(request)
    signature_confirm(token=confirm_token(signature.pk))
    other_address = {**SUPPORTER, "email": "inny.adres@example.org"}
    return lambda: signature_submit(initiative_id=initiative.pk, data=other_address, method="email")


KINDS = {
    "accounts/email_confirmation": sign_up,
    "accounts/existing_account": sign_up_again,
    "accounts/password_reset": password_reset,
    "accounts/account_locked": lockout_notice,
    "accounts/password_reset_limit": password_reset_limit_notice,
    "initiative/committee_invitation": invitation,
    "initiative/council_chair_notice": opening,
    "initiative/decision_receive": receipt,
    "initiative/decision_start_verification": start_verification,
    "initiative/decision_accept": decision("accept"),
    "initiative/decision_request_supplement": decision("request_supplement"),
    "initiative/decision_reject": decision("reject"),
    "initiative/decision_record_outcome": decision("record_outcome"),
    "initiative/deadline_reminder": deadline_reminder,
    "initiative/verification_reminder": verification_reminder,
    "initiative/receipt_reminder": receipt_reminder,
    "initiative/packet_ready": packet_ready,
    "initiative/packet_ready_chair": packet_ready,
    "signatures/confirm": declaration,
    "signatures/receipt": confirmation,
    "signatures/already_signed": repeat,
}


def kinds_on_disk() -> set[str]:
    """Every e-mail template of the project: `<app>/templates/<app>/email(s)/<name>_subject.txt`."""
    return {
        f"{path.parents[1].name}/{path.name.removesuffix('_subject.txt')}"
        for path in BASE_DIR.glob("*/templates/*/email*/*_subject.txt")
    }


def test_the_list_covers_every_email_template():
    assert set(KINDS) == kinds_on_disk()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_queued_in_the_outbox_and_sent_from_it(kind, request):
    cause = KINDS[kind](request)
    before = set(Email.objects.filter(kind=kind).values_list("pk", flat=True))
    mail.outbox.clear()

    cause()

    queued = list(Email.objects.filter(kind=kind).exclude(pk__in=before))
    assert queued, f"{kind}: nothing put into the outbox"
    assert mail.outbox == [], f"{kind}: sent around the outbox"
    emails_send()
    subjects = {message.subject for message in mail.outbox}
    assert {email.subject for email in queued} <= subjects
    assert all(Email.objects.get(pk=email.pk).sent_at for email in queued)


def test_nothing_outside_the_outbox_sends_mail():
    """No module of the platform but outbox/ reaches for Django's means of sending."""
    senders = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "get_connection"}
    senders |= {"EmailMessage", "EmailMultiAlternatives"}
    found = []
    for path in BASE_DIR.glob("*/**/*.py"):
        relative = path.relative_to(BASE_DIR)
        if relative.parts[0] in {"outbox", "tests", "bench", "var"} or relative.parts[0].startswith("."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                names = {alias.name for alias in node.names} & senders
                found += [f"{relative}: {name}" for name in sorted(names)]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names if alias.name.startswith("django.core.mail")]
                found += [f"{relative}: import {module}" for module in modules]
    assert found == []
