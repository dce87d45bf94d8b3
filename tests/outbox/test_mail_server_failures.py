"""A mail server that refuses for a while loses no e-mail: the packet-ready notices and the clerks' deadline
reminders reach everyone once it accepts again.

Real commits (transactional tests), a real SMTP conversation with a local server that refuses its first
connections (tests/smtp_server.py), and the periodic tasks run as Celery beat would run them, with the
clock moved on between rounds.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from config.celery import app
from initiative.filing.deadlines import consideration_deadline
from initiative.filing.submit import initiative_submit
from initiative.filing.tasks import build_packet_task
from initiative.lifecycle import Status
from initiative.models import CommitteeMember, Initiative, Packet, PacketStatus
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper

COUNCIL_EMAIL = "rada@gliwice.example.org"


def run_beat() -> None:
    """Every periodic task once, in this process, as the beat schedule names them. A task that fails is
    left failed, as a worker would leave it: what matters is what reaches the mail server."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        app.tasks[entry["task"]].apply(throw=False)


def rounds_of_beat(start: datetime.datetime, *, hours: int) -> None:
    """The periodic tasks once an hour for `hours` hours from `start`."""
    for hour in range(hours):
        with time_machine.travel(start + datetime.timedelta(hours=hour), tick=False):
            run_beat()


@pytest.mark.django_db(transaction=True)
def test_packet_ready_mails_wait_for_a_mail_server_that_refuses(
    smtp_server,
    seal_settings,
    media,
    collecting_initiative,
    author,
):
    from municipalities.models import Unit

    Unit.objects.filter(teryt="2466011").update(council_email=COUNCIL_EMAIL)
    smtp_server.refuse_connections = 3
    earlier = len(smtp_server.received)  # the invitations and the chair's notice of opening
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD + 1)
    initiative_submit(initiative_id=collecting_initiative.pk, actor=author)  # builds on commit, here
    packet = Packet.objects.get(initiative=collecting_initiative)
    assert packet.status == PacketStatus.READY
    assert smtp_server.refused == 3 and len(smtp_server.received) - earlier < 6  # some wait for a retry

    build_packet_task.apply(args=[packet.pk])  # a retry of the build, as Celery would run one
    rounds_of_beat(timezone.now(), hours=6)

    members = list(
        CommitteeMember.objects.filter(initiative=collecting_initiative, left_at__isnull=True).values_list(
            "user__email", flat=True
        )
    )
    assert len(members) == 5
    for address in [COUNCIL_EMAIL, *members]:
        told = [item for item in smtp_server.to(address) if packet.sha256 in item.body]
        assert len(told) == 1, address
    assert smtp_server.refused == 3


@pytest.mark.django_db(transaction=True)
def test_a_deadline_reminder_waits_for_a_mail_server_that_refuses(
    smtp_server,
    collecting_initiative,
    clerk_of_gliwice,
):
    # Filed and received as far as reminders care (state and term), without building a packet.
    now = timezone.now()
    deadline = consideration_deadline(timezone.localdate())
    Initiative.objects.filter(pk=collecting_initiative.pk).update(
        status=Status.SUBMITTED,
        submitted_at=now,
        received_on=timezone.localdate(),
        consideration_deadline=deadline,
    )
    smtp_server.refuse_connections = 3
    morning = timezone.make_aware(
        datetime.datetime.combine(deadline - datetime.timedelta(days=14), datetime.time(7))
    )

    rounds_of_beat(morning, hours=6)

    received = smtp_server.to(clerk_of_gliwice.email)
    assert len(received) == 1
    assert f"/clerk/initiatives/{collecting_initiative.pk}/" in received[0].body
    assert smtp_server.refused == 3
