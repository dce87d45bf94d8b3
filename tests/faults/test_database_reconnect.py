"""The connection pool as the settings configure it, across restarts of a PostgreSQL server of the test's own.

Each "request" here is what Django does for one: take a connection from the pool (`ensure_connection`),
query, hand it back (`close`). The backend and its pool are Django's own, built from DATABASES in
config/settings.py with only the server's address changed.
"""

import threading
import time

import pytest
from django.db import DatabaseError, connections

from tests.faults.processes import PrivatePostgres


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    yield server
    server.close()


ALIAS = "faults-reconnect"


@pytest.fixture
def backend(private_postgres, django_db_blocker):
    """An alias of Django's backend configured as the platform's database, pointed at the private server
    (not the test database, so pytest-django's guard is lifted for it). Each thread has its own wrapper,
    and they share the alias's pool, as in a web process."""
    connections.settings[ALIAS] = {
        **connections["default"].settings_dict,
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(private_postgres.socket_dir),
        "PORT": "",
        "TEST": {},
    }
    with django_db_blocker.unblock():
        yield ALIAS
        connections[ALIAS].close()
        connections[ALIAS].close_pool()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def request(alias: str) -> bool:
    """One request's use of the database; whether it was served."""
    backend = connections[alias]
    try:
        backend.ensure_connection()
        with backend.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False
    finally:
        backend.close()


def test_after_a_quiet_restart_no_request_meets_a_broken_connection(private_postgres, backend):
    assert request(backend)  # the pool now holds an idle connection
    private_postgres.stop("fast")  # nobody asks while the server is away
    private_postgres.start()

    served = [request(backend) for _ in range(5)]

    # The idle connection died with the old server; the pool tries each one as it hands it out.
    assert served == [True] * 5


def test_after_a_long_outage_requests_are_served_again_within_seconds(private_postgres, backend):
    # psycopg's pool tries to reconnect after waits that double (1, 2, 4, 8, 16 s …, ±10 %): left to that, a
    # server back 18 to 23 s after the first failure is tried again only at 28 to 34 s.
    outage = 17
    answers: list[tuple[float, bool]] = []
    done = threading.Event()

    def client() -> None:
        # A steady trickle of requests, each waiting up to the pool's timeout for a connection.
        while not done.is_set():
            served = request(backend)
            answers.append((time.monotonic(), served))
            time.sleep(0.2)

    assert request(backend)
    private_postgres.stop("fast")
    stopped_at = time.monotonic()
    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    time.sleep(outage)
    private_postgres.start()
    back_at = time.monotonic()
    deadline = back_at + 25
    while not any(served and at > back_at for at, served in answers) and time.monotonic() < deadline:
        time.sleep(0.05)
    done.set()
    thread.join(timeout=15)

    served_again = min((at for at, served in answers if served and at > back_at), default=deadline)
    print(
        f"\nserver away {back_at - stopped_at:.1f} s; requests served again {served_again - back_at:.1f} s "
        "after it was back"
    )
    assert not any(served for at, served in answers if at < back_at)
    # The settings cap those waits (the pool starts over every 10 s): tried at least every 4.4 s.
    assert served_again - back_at < 5
