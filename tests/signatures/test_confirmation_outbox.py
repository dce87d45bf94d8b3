"""Confirmation e-mails leave from the outbox of pending declarations: each once, none lost, few tasks."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from signatures import confirmations
from signatures.confirmations import send_due_confirmations
from signatures.models import Signature
from signatures.services import signature_submit
from tests.concurrently import at_once, failures
from tests.signatures.conftest import supporter

FAILING_ADDRESS = "nie.dojdzie@example.org"


class FailingForOneAddress(EmailBackend):
    """The mail server refuses one recipient (what lies outside the machine, imitated at its interface)."""

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


@pytest.mark.django_db
def test_each_pending_declaration_is_mailed_once(collecting_initiative, api_client):
    declared = [declare(collecting_initiative, number) for number in range(3)]
    paper_row = signature_submit(
        initiative_id=collecting_initiative.pk,
        data=supporter(first_names="Maria", email=None),
        method="paper",
    ).signature

    assert send_due_confirmations() == 3
    assert mailed_to() == ["osoba0@example.org", "osoba1@example.org", "osoba2@example.org"]
    assert all("/signatures/confirm/" in message.body for message in mail.outbox)
    assert send_due_confirmations() == 0
    assert len(mail.outbox) == 3
    assert (
        Signature.objects.filter(pk__in=[s.pk for s in declared], confirmation_sent_at__isnull=False).count()
        == 3
    )
    assert Signature.objects.get(pk=paper_row.pk).confirmation_sent_at is None  # counted at once: no e-mail


@pytest.mark.django_db
def test_a_declaration_withdrawn_or_superseded_before_its_run_gets_no_confirmation(collecting_initiative):
    declare(collecting_initiative, 1)
    # The same person typed on paper before the e-mail went out: the paper row supersedes the declaration.
    signature_submit(
        initiative_id=collecting_initiative.pk, data=supporter(first_names="Jana", email=None), method="paper"
    )

    assert send_due_confirmations() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_mail_server_keeps_what_was_sent_and_the_rest_waits(collecting_initiative, settings):
    first = declare(collecting_initiative, 1)
    stuck = declare(collecting_initiative, 2, email=FAILING_ADDRESS)
    last = declare(collecting_initiative, 3)
    settings.EMAIL_BACKEND = f"{__name__}.FailingForOneAddress"

    with pytest.raises(ConnectionRefusedError):
        send_due_confirmations()

    assert mailed_to() == ["osoba1@example.org"]
    sent = set(Signature.objects.filter(confirmation_sent_at__isnull=False).values_list("pk", flat=True))
    assert sent == {first.pk}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_confirmations() == 2  # the retry sends the rest, not the first again
    assert mailed_to() == sorted(["osoba1@example.org", FAILING_ADDRESS, "osoba3@example.org"])
    assert not Signature.objects.filter(
        pk__in=[stuck.pk, last.pk], confirmation_sent_at__isnull=True
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_share_the_work_and_send_each_once(collecting_initiative):
    for number in range(60):
        declare(collecting_initiative, number)  # mailed at once here: no broker, so no run to wait for
    Signature.objects.update(confirmation_sent_at=None)
    mail.outbox.clear()
    counts = at_once(send_due_confirmations, send_due_confirmations, send_due_confirmations)

    assert failures(counts) == []
    assert sum(counts) == 60
    assert len(mail.outbox) == 60 and len(set(mailed_to())) == 60


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_declarations_publishes_one_task_and_every_e_mail_leaves(
    redis_broker, collecting_initiative, api_client, monkeypatch
):
    from config.celery import app

    monkeypatch.setattr(confirmations, "_next_nudge", 0.0)
    published = []

    def count(sender=None, **kwargs):
        if sender == "signatures.tasks.send_confirmations_task":
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
def test_a_broker_out_of_reach_costs_the_supporter_nothing_and_the_next_declaration_asks_again(
    collecting_initiative, monkeypatch, caplog
):
    from config.celery import app
    from tests.conftest import forget_connections

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)  # nobody listens on port 9
    forget_connections(app)
    monkeypatch.setattr(confirmations, "_next_nudge", 0.0)
    try:
        confirmations.nudge_confirmations()
    finally:
        app.conf.update(saved)
        forget_connections(app)

    assert confirmations._next_nudge == 0.0
    assert "periodic sweep will send" in caplog.text
