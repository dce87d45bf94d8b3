"""The broker out of reach while people sign: every signature and every e-mail is kept, and sent later.

The web side (this process, through the API) publishes to a Redis that cannot be reached in two ways:
nobody listens on its port (refused at once), or a server accepts connections and never answers (a hung
Redis, or one lost behind a firewall that drops the connection silently). Signing must still answer,
promptly. When the broker is back, a real worker (a `celery worker` process) runs the outbox's periodic
sweep, as beat orders it every minute, and every confirmation e-mail goes out, once.
"""

import socket
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from config.celery import app
from initiative.filing.packet.build import STALE_AFTER, packets_reorder
from initiative.filing.tasks import build_packet_task  # noqa: F401  (see below)
from initiative.models import Initiative, Packet, PacketStatus
from outbox import delivery
from outbox.models import Email
from outbox.tasks import send_emails_task
from signatures.models import Signature, SignatureStatus
from tests.conftest import forget_connections
from tests.faults.conftest import broker_environment
from tests.faults.processes import celery_worker, wait_until
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper
from tests.pki import seal_settings  # noqa: F401  (fixture)
from tests.signatures.conftest import supporter

# Shared tasks register with the apps Celery knows when their module is imported; the tests' broker
# fixtures close the app (dropping it from that list), so the tasks this module orders are imported above.

SIGNERS = 3
# A declaration is answered within this many seconds though the broker cannot be reached (a healthy one
# takes milliseconds): the settings bound each try to publish (CELERY_BROKER_TRANSPORT_OPTIONS).
PROMPT_SECONDS = 6

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


class HungServer:
    """Accepts TCP connections and never answers: a Redis that hangs, or one behind a dead connection."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self.port = self._socket.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _address = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self._closed.set()
        self._socket.close()
        for held in self._held:
            held.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # released on leaving: nobody listens there


@pytest.fixture(params=["refused", "hung"])
def unreachable_broker(request):
    if request.param == "refused":
        yield f"redis://127.0.0.1:{closed_port()}/0"
        return
    server = HungServer()
    yield f"redis://127.0.0.1:{server.port}/0"
    server.close()


def mailbox(tmp_path) -> list[str]:
    """The recipients of every message in the worker's file-based mailbox, one entry per message."""
    directory = tmp_path / "mail"
    if not directory.exists():
        return []
    return [
        line.removeprefix("To: ")
        for path in directory.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_a_broker_out_of_reach_loses_no_signature_and_no_email(
    unreachable_broker, private_broker, collecting_initiative, api_client, monkeypatch, tmp_path
):
    url = f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/"
    addresses = [f"bez.brokera{number}@example.org" for number in range(SIGNERS)]
    monkeypatch.setattr(delivery, "_next_nudge", 0.0)  # no nudge of an earlier test pending here

    reachable = app.conf.broker_url
    app.conf.broker_url = unreachable_broker
    forget_connections(app)
    answers, took = [], []
    try:
        for number, address in enumerate(addresses):
            data = supporter(first_names=f"Jan{'a' * number}", email=address)
            started = time.monotonic()
            answers.append(ask_with_deadline(api_client, url, data).status_code)
            took.append(time.monotonic() - started)
    finally:
        app.conf.broker_url = reachable
        forget_connections(app)

    assert answers == [202] * SIGNERS
    assert max(took) < PROMPT_SECONDS, took
    declared = Signature.objects.filter(initiative=collecting_initiative, status=SignatureStatus.PENDING)
    assert declared.count() == SIGNERS
    waiting = Email.objects.filter(kind="signatures/confirm", sent_at__isnull=True)
    assert sorted(email.to for email in waiting) == sorted(addresses)

    # The broker is back: a worker runs the periodic sweep, which beat orders every minute.
    worker = celery_worker(
        "worker-a",
        environment=broker_environment(private_broker, tmp_path),
        log_dir=tmp_path,
    )
    try:
        send_emails_task.delay()
        wait_until(
            lambda: len(mailbox(tmp_path)) >= SIGNERS, timeout=20, what=f"the e-mails sent\n{worker.output()}"
        )
    finally:
        worker.stop()

    assert sorted(mailbox(tmp_path)) == sorted(addresses)  # each once
    assert not Email.objects.filter(kind="signatures/confirm", sent_at__isnull=True).exists()
    print(f"\nbroker {unreachable_broker}: declarations answered in {max(took):.1f} s at most")


def ask_with_deadline(client, url: str, data: dict):
    """POST in a thread of its own, so that a request hanging on the broker fails the test, not hangs it."""
    outcome: list = []

    def ask() -> None:
        try:
            outcome.append(client.post(url, data, format="json"))
        finally:
            connection.close()

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    thread.join(timeout=3 * PROMPT_SECONDS)
    assert outcome, f"the declaration had no answer within {3 * PROMPT_SECONDS} s: it hangs on the broker"
    return outcome[0]


@pytest.mark.usefixtures("media")
def test_filing_with_the_broker_out_of_reach_answers_and_the_sweep_builds_the_packet(
    private_broker,
    seal_settings,  # noqa: F811  (the fixture, imported above)
    collecting_initiative,
    author,
    api_client,
    tmp_path,
):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD + 1)
    api_client.force_authenticate(author)
    reachable = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    forget_connections(app)
    try:
        response = api_client.post(f"/api/v1/initiatives/{collecting_initiative.pk}/submit/")
    finally:
        app.conf.broker_url = reachable
        forget_connections(app)

    assert response.status_code == 200 and response.json()["status"] == "submitted"
    packet = Packet.objects.get(initiative=collecting_initiative)
    assert packet.status == PacketStatus.BUILDING  # its build was never ordered

    # The broker is back. The hourly sweep orders every packet still building after STALE_AFTER.
    worker = celery_worker(
        "worker-a",
        environment=broker_environment(
            private_broker,
            tmp_path,
            SEAL_P12_FILE=seal_settings.SEAL_P12_FILE,
            SEAL_P12_PASSWORD=seal_settings.SEAL_P12_PASSWORD,
        ),
        log_dir=tmp_path,
    )
    try:
        with time_machine.travel(timezone.now() + STALE_AFTER, tick=False):
            assert packets_reorder() == 1
        wait_until(
            lambda: Packet.objects.filter(pk=packet.pk, status=PacketStatus.READY).exists(),
            timeout=30,
            what=f"the packet built\n{worker.output()}",
        )
    finally:
        worker.stop()
