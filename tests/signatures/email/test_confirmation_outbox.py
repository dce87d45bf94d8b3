"""Confirmation e-mails leave through the outbox: stored with the declaration, each sent once, none lost,
few tasks."""

import datetime
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from outbox import delivery
from outbox.delivery import emails_send
from outbox.models import Email
from signatures.services import signature_submit
from tests.concurrently import at_once, failures
from tests.signatures.conftest import supporter

FAILING_ADDRESS = "nie.dojdzie@example.org"


class FailingForOneAddress(EmailBackend):
    """The mail server drops the line at one recipient (what lies outside the machine, imitated at its
    interface; tests/smtp_server.py is the real thing, used where whole conversations matter)."""

    def send_messages(self, messages):
        if any(FAILING_ADDRESS in message.to for message in messages):
            raise ConnectionRefusedError("the mail server is unreachable")
        return super().send_messages(messages)


def declare(initiative, number: int, email: str | None = None):
    """An e-mail declaration committed without running its after-commit nudge."""
    data = supporter(first_names=f"Jan{'a' * number}", email=email or f"osoba{number}@example.org")
    return signature_submit(initiative_id=initiative.pk, data=data, method="email").signature


def mailed_to(prefix: str = "") -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to if address.startswith(prefix))


def confirmations_of(*signatures):
    references = [f"initiative:{s.initiative_id}/supporters/signature:{s.pk}" for s in signatures]
    return Email.objects.filter(kind="signatures/confirm", reference__in=references)


@pytest.mark.django_db
def test_each_pending_declaration_is_mailed_once(collecting_initiative, api_client):
    declared = [declare(collecting_initiative, number) for number in range(3)]
    paper_row = signature_submit(
        initiative_id=collecting_initiative.pk,
        data=supporter(first_names="Maria", email=None),
        method="paper",
    ).signature

    assert mail.outbox == [] and confirmations_of(*declared).count() == 3  # stored with the declarations
    assert emails_send() == 3
    assert mailed_to() == ["osoba0@example.org", "osoba1@example.org", "osoba2@example.org"]
    assert all("/signatures/confirm/" in message.body for message in mail.outbox)
    assert emails_send() == 0
    assert len(mail.outbox) == 3
    assert confirmations_of(*declared).filter(sent_at__isnull=False).count() == 3
    assert not confirmations_of(paper_row).exists()  # counted at once: no e-mail


@pytest.mark.django_db
def test_a_declaration_withdrawn_or_superseded_before_its_run_gets_no_confirmation(collecting_initiative):
    declared = declare(collecting_initiative, 1)
    # The same person typed on paper before the e-mail went out: the paper row supersedes the declaration.
    signature_submit(
        initiative_id=collecting_initiative.pk, data=supporter(first_names="Jana", email=None), method="paper"
    )

    assert not confirmations_of(declared).exists()  # taken back with the declaration
    assert emails_send() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_what_was_sent_and_the_rest_waits(collecting_initiative, settings):
    first = declare(collecting_initiative, 1)
    stuck = declare(collecting_initiative, 2, email=FAILING_ADDRESS)
    last = declare(collecting_initiative, 3)
    settings.EMAIL_BACKEND = f"{__name__}.FailingForOneAddress"

    assert emails_send() == 1  # the server went away at the second: the run stops there

    assert mailed_to() == ["osoba1@example.org"]
    sent = confirmations_of(first, stuck, last).filter(sent_at__isnull=False)
    assert list(sent) == list(confirmations_of(first))
    failed = confirmations_of(stuck).get()
    assert (failed.attempts, failed.last_error) == (1, "ConnectionRefusedError")
    assert failed.next_attempt_at > timezone.now()  # backs off

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert emails_send() == 2  # the retry sends the rest, not the first again
    assert mailed_to() == sorted(["osoba1@example.org", FAILING_ADDRESS, "osoba3@example.org"])
    assert not confirmations_of(stuck, last).filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_share_the_work_and_send_each_once(collecting_initiative):
    declared = [declare(collecting_initiative, number) for number in range(60)]  # mailed at once: no broker
    assert confirmations_of(*declared).filter(sent_at__isnull=True).count() == 0
    confirmations_of(*declared).update(sent_at=None)  # due again, all 60 of them
    mail.outbox.clear()
    counts = at_once(emails_send, emails_send, emails_send)

    assert failures(counts) == []
    assert sum(counts) == 60
    assert len(mail.outbox) == 60 and len(set(mailed_to())) == 60


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_declarations_publishes_one_task_and_every_e_mail_leaves(
    redis_broker, collecting_initiative, api_client, monkeypatch
):
    from config.celery import app

    monkeypatch.setattr(delivery, "_next_nudge", 0.0)
    published = []

    def count(sender=None, **kwargs):
        if sender == "outbox.tasks.send_emails_task":
            published.append(sender)

    before_task_publish.connect(count)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            url = f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/"
            for number in range(5):
                data = supporter(first_names=f"Ewa{'a' * number}", email=f"ewa{number}@example.org")
                assert api_client.post(url, data, format="json").status_code == 202
            deadline = time.monotonic() + 20
            while len(mailed_to("ewa")) < 5 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        before_task_publish.disconnect(count)

    assert mailed_to("ewa") == [f"ewa{number}@example.org" for number in range(5)]
    # Five commits well within NUDGE_SECONDS of one another: one task mailed them all.
    assert len(published) == 1


@pytest.mark.django_db
def test_a_broker_out_of_reach_costs_the_supporter_nothing_and_is_asked_again_after_a_pause(
    collecting_initiative, monkeypatch, caplog
):
    from config.celery import app
    from tests.conftest import forget_connections

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)  # nobody listens on port 9
    forget_connections(app)
    monkeypatch.setattr(delivery, "_next_nudge", 0.0)
    try:
        delivery.outbox_nudge()
    finally:
        app.conf.update(saved)
        forget_connections(app)

    # The declarations of the next half-minute do not wait on the broker's timeout again; after it, one asks.
    pause = delivery._next_nudge - time.monotonic()
    assert delivery.BROKER_BACKOFF_SECONDS - 5 < pause <= delivery.BROKER_BACKOFF_SECONDS
    assert "periodic sweep will send" in caplog.text
