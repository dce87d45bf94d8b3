"""PostgreSQL restarted while people sign: 503 answers (never a traceback page), no partial rows, and the
platform recovers by itself.

Real processes: gunicorn serving the platform as a deployment does (DEBUG=0), against a PostgreSQL server of
this test's own (the zero-setup binaries) holding a copy of a collecting initiative. Three clients keep
going the whole time, each as fast as it is answered: supporters declaring by e-mail through the API, a
committee member typing paper rows through the API (counted at once, so each row and its count are one
transaction), and a visitor reading the initiative's page. Mid-way, with a declaration and a paper row
under way, the server is stopped (a restart's `fast` shutdown, which ends every session, or `immediate`, a
crash) and started again two seconds later.
"""

import contextlib
import dataclasses
import json
import threading
import time
import urllib.error
import urllib.request

import psutil
import psycopg
import pytest
from django.utils import timezone

from initiative.models import Initiative
from tests.conftest import PASSWORD, child_database_url
from tests.faults.processes import PrivatePostgres, gunicorn, platform_environment, wait_until
from tests.initiative.conftest import letters

OUTAGE_SECONDS = 2
# After the server is back, a client has recovered once this many of its requests in a row succeed.
RECOVERED_AFTER = 5


@dataclasses.dataclass
class Answer:
    sent: float  # time.monotonic()
    answered: float
    status: int
    content_type: str
    retry_after: str | None
    body: str


class Client(threading.Thread):
    """Sends one kind of request again and again until stopped; keeps every answer."""

    def __init__(self, name: str, request: "callable", stop: threading.Event):
        super().__init__(name=name, daemon=True)
        self.request = request  # number -> (urllib request, what must not come back in the answer)
        self.stop = stop
        self.answers: list[Answer] = []
        self.secrets: list[str] = []

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            request, secret = self.request(number)
            self.secrets.append(secret)
            sent = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=40) as response:
                    answer = (response.status, response.headers, response.read())
            except urllib.error.HTTPError as error:
                answer = (error.code, error.headers, error.read())
            except OSError as error:  # no HTTP answer at all (a worker killed, a connection reset)
                answer = (0, {}, repr(error).encode())
            status, headers, body = answer
            self.answers.append(
                Answer(
                    sent=sent,
                    answered=time.monotonic(),
                    status=status,
                    content_type=headers.get("Content-Type", ""),
                    retry_after=headers.get("Retry-After"),
                    body=body.decode(errors="replace"),
                )
            )

    def recovered_after(self, moment: float) -> bool:
        later = [answer.status < 300 for answer in self.answers if answer.sent > moment]
        return len(later) >= RECOVERED_AFTER and all(later[-RECOVERED_AFTER:])


def supporter(number: int, *, email: bool) -> dict:
    data = {
        "first_names": "Jan" if email else "Anna",
        "last_name": f"Restart-{letters(number).capitalize()}",
        "address": f"ul. Zwycięstwa {number}, 44-100 Gliwice",
        "birth_date": "1980-03-15",
        "citizenship": "PL",
        "declaration": True,
        "privacy_notice": True,
    }
    if email:
        data["email"] = f"restart{number}@example.org"
    return data


def post(url: str, data: dict, **headers) -> urllib.request.Request:
    return urllib.request.Request(
        url,
        data=json.dumps(data).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    yield server
    server.close()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected as a deployment has them (DEBUG=0 serves them from a manifest)."""
    import subprocess

    from tests.faults.processes import BIN, ROOT

    var_dir = tmp_path_factory.mktemp("var")
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=platform_environment(var_dir, DEBUG="0", DATABASE_URL=child_database_url()),
        check=True,
        timeout=120,
    )
    return var_dir


@pytest.mark.parametrize("shutdown", ["fast", "immediate"])
@pytest.mark.django_db(transaction=True)
def test_a_database_restart_while_people_sign_answers_503_and_recovers_by_itself(
    shutdown, collecting_initiative, author, private_postgres, collected_static, tmp_path
):
    url = private_postgres.copy_of(child_database_url(), "inicjatywa")
    web, base = gunicorn(
        environment=platform_environment(
            collected_static,
            DEBUG="0",
            DATABASE_URL=url,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
        ),
        log_dir=tmp_path,
    )
    initiative = collecting_initiative.pk
    try:
        with urllib.request.urlopen(
            post(f"{base}/api/v1/auth/token/", {"email": author.email, "password": PASSWORD}), timeout=10
        ) as response:
            token = json.load(response)["token"]
        workers = {process.pid for process in psutil.Process(web.pid).children()}

        stop = threading.Event()
        clients = [
            Client(
                "e-mail",
                lambda n: (
                    post(f"{base}/api/v1/initiatives/{initiative}/signatures/", supporter(n, email=True)),
                    f"restart{n}@example.org",
                ),
                stop,
            ),
            Client(
                "paper",
                lambda n: (
                    post(
                        f"{base}/api/v1/initiatives/{initiative}/paper-signatures/",
                        {**supporter(n, email=False), "signed_on": timezone.localdate().isoformat()},
                        Authorization=f"Token {token}",
                    ),
                    f"Restart-{letters(n).capitalize()}",
                ),
                stop,
            ),
            Client(
                "page",
                lambda n: (urllib.request.Request(f"{base}/initiatives/{initiative}/"), "Restart-"),
                stop,
            ),
        ]
        for client in clients:
            client.start()
        time.sleep(1.5)
        # Signatures under way when the server goes: the initiative's row is held FOR UPDATE (as filing holds
        # it), so the signers' transactions wait on it, begun and not committed, until the server stops.
        holder = psycopg.connect(url)
        holder.execute(f"SELECT 1 FROM {Initiative._meta.db_table} WHERE id = %s FOR UPDATE", [initiative])
        wait_until(lambda: signers_waiting(holder) >= 2, timeout=10, what="both signers waiting")
        stopped_at = time.monotonic()
        private_postgres.stop(shutdown)
        with contextlib.suppress(psycopg.Error):
            holder.close()
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()
        back_at = time.monotonic()
        try:
            wait_until(
                lambda: all(client.recovered_after(back_at) for client in clients),
                timeout=25,
                what="every client served again",
            )
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=45)
        assert {process.pid for process in psutil.Process(web.pid).children()} == workers, (
            "gunicorn's workers were replaced: the platform did not recover by itself"
        )
    finally:
        web.stop()

    answers = {client.name: client.answers for client in clients}
    timeline = describe(answers, stopped_at, back_at)
    expected = {"e-mail": {202, 503}, "paper": {201, 503}, "page": {200, 503}}
    for name, got in answers.items():
        assert {answer.status for answer in got} <= expected[name], f"{timeline}\n{web.output()[-3000:]}"
    unavailable = [(name, answer) for name, got in answers.items() for answer in got if answer.status == 503]
    assert {name for name, _answer in unavailable} >= {"e-mail", "paper"}, "no signer under way was met"
    for name, answer in unavailable:
        assert answer.retry_after and int(answer.retry_after) > 0
        assert "Traceback" not in answer.body and "OperationalError" not in answer.body
        if name == "page":
            assert answer.content_type.startswith("text/html")
            assert "Chwilowo niedostępne" in answer.body  # Polish, the default language
        else:
            assert answer.content_type == "application/json"
            assert set(json.loads(answer.body)) == {"detail"}
    # Nothing people sent comes back in an answer.
    for client in clients[:2]:
        for answer, secret in zip(client.answers, client.secrets, strict=False):
            assert secret not in answer.body

    # No partial rows: each row is whole, and a paper row and its count were one transaction.
    with psycopg.connect(url) as database:
        declarations, paper = (
            database.execute(
                "SELECT count(*) FROM signatures_signature WHERE initiative_id = %s AND method = %s",
                [initiative, method],
            ).fetchone()[0]
            for method in ("email", "paper")
        )
        counted = database.execute(
            "SELECT coalesce(sum(count), 0) FROM signatures_signaturetally "
            "WHERE initiative_id = %s AND method = 'paper'",
            [initiative],
        ).fetchone()[0]
    accepted = {name: sum(answer.status < 300 for answer in got) for name, got in answers.items()}
    refused = {name: sum(answer.status == 503 for answer in got) for name, got in answers.items()}
    # Every accepted declaration is stored; a 503 may still have been stored (committed just before the
    # connection was lost) and the supporter who sends it again is not counted twice.
    assert accepted["e-mail"] <= declarations <= accepted["e-mail"] + refused["e-mail"]
    assert accepted["paper"] <= paper <= accepted["paper"] + refused["paper"]
    assert counted == paper

    # Figures for docs/security.md: how long after the database was back each client was served again.
    served_again = max(
        min(answer.answered for answer in got if answer.answered > back_at and answer.status < 300)
        for got in answers.values()
    )
    print(
        f"\n{shutdown}: database away {back_at - stopped_at:.1f} s; "
        f"{sum(refused.values())} of {sum(map(len, answers.values()))} answers 503; "
        f"every client served again {served_again - back_at:.1f} s after it was back; "
        f"longest answer {max(a.answered - a.sent for got in answers.values() for a in got):.1f} s"
    )


def signers_waiting(holder: psycopg.Connection) -> int:
    """Sessions other than `holder` waiting for a lock (the signers' requests, held by it)."""
    with psycopg.connect(holder.info.dsn, autocommit=True) as observer:
        return observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> %s",
            [holder.info.backend_pid],
        ).fetchone()[0]


def describe(answers: dict[str, list[Answer]], stopped_at: float, back_at: float) -> str:
    """Each answer as sent→answered:status, in seconds from the stop, for a failure's message."""
    lines = [f"database stopped at 0, back at {back_at - stopped_at:+.1f}"]
    for name, got in answers.items():
        marks = (f"{a.sent - stopped_at:+.1f}→{a.answered - stopped_at:+.1f}:{a.status}" for a in got)
        lines.append(f"{name}: {' '.join(marks)}")
    return "\n".join(lines)
