"""A Celery worker killed while it builds a packet: the build runs again and leaves exactly one packet.

Real processes throughout: workers started with `celery worker` (prefork, one pool process) against a real
Redis, the test database they share with this test, the test seal (tests/pki.py) and a timestamp authority
over local HTTP that holds the first seal's request, so the kill lands mid-build at a moment the test
knows: the packet's row is locked by the build and nothing is stored yet.

Two kinds of death: the pool process alone (what the kernel's OOM killer does to a large build; the worker
gives the message back at once: task_reject_on_worker_lost), and the whole worker with its pool (a machine
lost; the unacknowledged message is given back by the broker after its visibility timeout, here shortened
to a second for the test).
"""

# ruff: noqa: F811  (fixtures imported from tests/pki.py are named again as test arguments)

import http.server
import os
import signal
import sys
import threading
import time

import psutil
import pytest
from asn1crypto import tsp
from django.db import transaction
from django.db.models.signals import post_save

from documents.pades import validate_seal
from initiative.filing.packet.storage import packet_file_read
from initiative.filing.submit import initiative_submit
from initiative.models import Initiative, Packet, PacketStatus
from municipalities.models import Unit
from tests.faults.conftest import broker_environment
from tests.faults.processes import celery_worker, wait_until
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper
from tests.pki import seal_settings  # noqa: F401  (fixture)

COUNCIL_EMAIL = "rada@gliwice.example.org"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]


class HeldTimestampAuthority:
    """A timestamp authority (RFC 3161 over HTTP) that holds the first request until `release()`.

    The seal asks it last, after the packet is rendered: a build waiting here is mid-way, its row locked,
    no file written."""

    def __init__(self, time_stamper):
        authority = self
        self.asked = threading.Event()
        self._released = threading.Event()
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                authority.requests += 1
                if authority.requests == 1:
                    authority.asked.set()
                    authority._released.wait(timeout=60)
                answer = time_stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/timestamp-reply")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except BrokenPipeError:
                    pass  # the build that asked was killed meanwhile

            def log_message(self, *args):
                pass

        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/tsa"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def held_tsa(seal_pki):
    authority = HeldTimestampAuthority(seal_pki.time_stamper())
    yield authority
    authority.close()


@pytest.fixture
def worker_environment(seal_settings, held_tsa, private_broker, tmp_path):
    """What the workers run with: this test's database, media, seal, timestamp authority and mailbox."""

    def environment(**transport_options) -> dict[str, str]:
        return broker_environment(
            private_broker,
            tmp_path,
            transport_options=transport_options,
            SEAL_P12_FILE=seal_settings.SEAL_P12_FILE,
            SEAL_P12_PASSWORD=seal_settings.SEAL_P12_PASSWORD,
            SEAL_TRUST_ROOTS=seal_settings.SEAL_TRUST_ROOTS,
            TSA_URL=held_tsa.url,
        )

    return environment


def file_initiative(initiative, author) -> Packet:
    """Gliwice's initiative filed with six paper signatures; filing orders the build through the broker."""
    Unit.objects.filter(teryt="2466011").update(council_email=COUNCIL_EMAIL)
    Initiative.objects.filter(pk=initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(initiative, author, FILED_THRESHOLD + 1)
    initiative_submit(initiative_id=initiative.pk, actor=author)
    return Packet.objects.get(initiative=initiative)


def build_held_at_the_seal(initiative, author, held_tsa) -> Packet:
    """File the initiative (a worker must be running) and wait for its build to be held mid-way, at the
    seal's timestamp, with the packet's row locked."""
    packet = file_initiative(initiative, author)
    wait_until(held_tsa.asked.is_set, timeout=30, what="the build reaching its seal")
    assert row_locked(packet.pk)
    return packet


def row_locked(packet_id: int) -> bool:
    with transaction.atomic():
        return not Packet.objects.select_for_update(skip_locked=True).filter(pk=packet_id).exists()


def ready(packet_id: int) -> bool:
    return Packet.objects.filter(pk=packet_id, status=PacketStatus.READY).exists()


def mails_to(address: str, tmp_path) -> int:
    """Messages to `address` in the file-based mailbox of the workers."""
    mailbox = tmp_path / "mail"
    if not mailbox.exists():
        return 0
    return sum(path.read_text().count(f"To: {address}\n") for path in mailbox.iterdir())


def council_told(tmp_path) -> None:
    """Wait for the packet's notice to the council: the outbox sends it from the worker after the commit."""
    wait_until(lambda: mails_to(COUNCIL_EMAIL, tmp_path), timeout=20, what="the council's notice sent")


def assert_one_sealed_packet(initiative_id: int, tmp_path) -> Packet:
    (packet,) = Packet.objects.filter(initiative_id=initiative_id)
    assert packet.status == PacketStatus.READY and packet.error == ""
    # One file under the initiative's packets: the killed build wrote none, the retry wrote its own.
    assert [path.name for path in (tmp_path / "media" / "packets" / str(initiative_id)).iterdir()] == [
        packet.file.name.rsplit("/", 1)[1]
    ]
    seal = validate_seal(packet_file_read(packet))
    assert seal.accepted and seal.timestamped, seal.summary
    # The council is told once: by the run that finished, not by the one that died.
    assert mails_to(COUNCIL_EMAIL, tmp_path) == 1
    return packet


@pytest.mark.broker
def test_a_pool_process_killed_mid_build_leaves_one_packet_after_the_retry(
    worker_environment, held_tsa, collecting_initiative, author, tmp_path
):
    worker = celery_worker("worker-a", environment=worker_environment(), log_dir=tmp_path)
    try:
        packet = build_held_at_the_seal(collecting_initiative, author, held_tsa)
        assert not ready(packet.pk)
        (pool_process,) = psutil.Process(worker.pid).children()
        os.kill(pool_process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        held_tsa.release()
        wait_until(lambda: ready(packet.pk), timeout=30, what=f"the packet built again\n{worker.output()}")
        recovered_in = time.monotonic() - killed_at
        council_told(tmp_path)
    finally:
        worker.stop()

    assert "WorkerLostError" in worker.output()
    assert held_tsa.requests > 1  # the killed build's and the retry's (pyHanko asks twice per seal)
    assert_one_sealed_packet(collecting_initiative.pk, tmp_path)
    print(f"pool process killed mid-build: packet ready {recovered_in:.1f} s later")


@pytest.mark.broker
def test_a_whole_worker_killed_mid_build_leaves_one_packet_when_another_takes_it_over(
    worker_environment, held_tsa, collecting_initiative, author, tmp_path
):
    first = celery_worker("worker-a", environment=worker_environment(), log_dir=tmp_path)
    try:
        packet = build_held_at_the_seal(collecting_initiative, author, held_tsa)
    finally:
        first.kill()  # the worker and its pool process, mid-build
    killed_at = time.monotonic()
    held_tsa.release()
    # PostgreSQL ends the dead build's session and so releases the row; nothing was stored.
    wait_until(lambda: not row_locked(packet.pk), timeout=10, what="the dead build's lock released")
    packet.refresh_from_db()
    assert packet.status == PacketStatus.BUILDING and not packet.file

    # The message was never acknowledged: the broker gives it back after its visibility timeout (an hour by
    # default; a second here) to the next worker that looks.
    second = celery_worker("worker-b", environment=worker_environment(visibility_timeout=1), log_dir=tmp_path)
    try:
        wait_until(lambda: ready(packet.pk), timeout=30, what=f"the packet taken over\n{second.output()}")
        recovered_in = time.monotonic() - killed_at
        council_told(tmp_path)
    finally:
        second.stop()

    assert held_tsa.requests > 1
    assert_one_sealed_packet(collecting_initiative.pk, tmp_path)
    print(f"whole worker killed mid-build: packet ready {recovered_in:.1f} s later (visibility timeout 1 s)")


def test_a_worker_stopped_just_after_the_packet_commits_keeps_the_packets_file(
    seal_settings, collecting_initiative, author, tmp_path
):
    """SIGTERM (a worker's shutdown) landing after the commit, while the transaction's on-commit callbacks
    run, reaches the build as SystemExit: the packet is filed and its one file must stay."""

    def stop_after_commit(sender, instance, **kwargs):
        if instance.status == PacketStatus.READY:
            transaction.on_commit(lambda: sys.exit(128 + signal.SIGTERM))

    post_save.connect(stop_after_commit, sender=Packet)
    try:
        with pytest.raises(SystemExit):
            file_initiative(collecting_initiative, author)  # no broker: the build runs on filing's commit
    finally:
        post_save.disconnect(stop_after_commit, sender=Packet)

    (packet,) = Packet.objects.filter(initiative=collecting_initiative)
    assert packet.status == PacketStatus.READY
    assert validate_seal(packet_file_read(packet)).accepted
