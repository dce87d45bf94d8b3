"""The mail server refusing while people sign: no e-mail is lost, and each goes once when it accepts again.

Real processes: declarations through the API (this process) publish to a real Redis, a `celery worker`
process sends the outbox over SMTP to a server on loopback (tests/smtp_server.py) that first greets every
connection with 421 (busy, or shutting down), then accepts. Between the two, the clock of the outbox is
moved on to the retry time, as the minute's sweep would find it.
"""

import pytest
from django.utils import timezone

from outbox import delivery
from outbox.models import Email
from outbox.tasks import send_emails_task
from tests.faults.conftest import broker_environment
from tests.faults.processes import celery_worker, wait_until
from tests.signatures.conftest import supporter
from tests.smtp_server import smtp_server  # noqa: F401  (fixture)

SIGNERS = 3

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def test_a_mail_server_that_refuses_loses_no_email(
    smtp_server,  # noqa: F811  (the fixture, imported above)
    private_broker,
    collecting_initiative,
    api_client,
    monkeypatch,
    tmp_path,
):
    url = f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/"
    addresses = [f"bez.poczty{number}@example.org" for number in range(SIGNERS)]
    monkeypatch.setattr(delivery, "_next_nudge", 0.0)  # no nudge of an earlier test pending here
    smtp_server.refuse_connections = 10**6  # every connection, until the test says otherwise
    already = len(smtp_server.received)
    worker = celery_worker(
        "worker-a",
        environment=broker_environment(
            private_broker,
            tmp_path,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_TIMEOUT="5",
            TEST_SMTP_PORT=str(smtp_server.port),
        ),
        log_dir=tmp_path,
    )
    try:
        for number, address in enumerate(addresses):
            data = supporter(first_names=f"Jan{'a' * number}", email=address)
            assert api_client.post(url, data, format="json").status_code == 202

        # The declarations' nudge reaches the worker, which tries and is refused.
        confirmations = Email.objects.filter(kind="signatures/confirm")
        wait_until(
            lambda: confirmations.filter(attempts__gte=1).exists(),
            timeout=20,
            what=f"a first attempt\n{worker.output()}",
        )
        assert smtp_server.refused >= 1 and len(smtp_server.received) == already
        assert confirmations.count() == SIGNERS and not confirmations.filter(sent_at__isnull=False).exists()
        tried = confirmations.filter(attempts__gte=1).first()
        assert tried.last_error == "SMTPConnectError" and tried.next_attempt_at > timezone.now()

        # The server accepts again. A minute on, the sweep finds the retries due.
        smtp_server.refuse_connections = 0
        confirmations.update(next_attempt_at=timezone.now())
        send_emails_task.delay()
        wait_until(
            lambda: not confirmations.filter(sent_at__isnull=True).exists(),
            timeout=20,
            what=f"every e-mail sent\n{worker.output()}",
        )
    finally:
        worker.stop()

    received = smtp_server.received[already:]
    assert sorted(recipient for item in received for recipient in item.recipients) == sorted(addresses)
    assert all("/signatures/confirm/" in item.body for item in received)
    assert len({item.message["Message-ID"] for item in received}) == SIGNERS
