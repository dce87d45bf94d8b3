"""The signatures POSTed at a set concurrency from keep-alive connections, each phase timed and its CPU
measured (Redis's too), and the database checked against the answers afterwards (signatures_load.py)."""

import http.client
import itertools
import threading
import time
from collections import Counter

import psutil
import psycopg
from gunicorn_server import REQUEST_TIMEOUT
from measuring import cpu_report, run_measured, summary
from signing_data import FORMS, build_requests


class Poster:
    """One keep-alive connection that POSTs, reopened when the server closes it (counted, not an error)."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def post(self, path: str, body: bytes | None, headers: dict) -> int:
        reused = self.connection is not None
        try:
            return self._post(path, body, headers)
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            # A keep-alive connection the server closed between requests: the request never arrived.
            self.close()
            if not reused:
                raise
            self.reconnects += 1
            return self._post(path, body, headers)

    def _post(self, path: str, body: bytes | None, headers: dict) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        # No body: a GET (the /health/ floor); otherwise a POST of the encoded signature.
        self.connection.request("GET" if body is None else "POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        if response.will_close:
            self.close()
        return response.status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


WARM_UP = 20  # signatures of each form before timing, on each server


def warm_up(port: int, target: dict, people, connections: int) -> Counter:
    """A few signatures of each form, so that imports, pools and the broker connection are warm.

    From several connections at once: a keep-alive connection stays with the worker that accepted it, and
    every worker must be warm."""
    requests = [request for form in FORMS for request in build_requests(form, target, people, WARM_UP)]
    problems = []

    def send(share: list) -> None:
        poster = Poster(port)
        try:
            for path, body, headers, expected in share:
                status = poster.post(path, body, headers)
                if status != expected:
                    problems.append(f"warm-up: {path} answered {status}, expected {expected}")
        finally:
            poster.close()

    threads = [threading.Thread(target=send, args=(requests[i::connections],)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise SystemExit(problems[0])
    return Counter(dict.fromkeys(FORMS, WARM_UP))


def run_phase(port, requests, concurrency: int, server, url: str, deadline: float, broker) -> dict:
    total = len(requests)
    latencies: list[float | None] = [None] * total
    statuses: list[int | None] = [None] * total
    failures: list[str] = []
    reconnects = []
    next_index = itertools.count()  # next() on itertools.count is atomic under the GIL
    stop_event = threading.Event()

    def worker() -> None:
        poster = Poster(port)
        try:
            while not stop_event.is_set():
                index = next(next_index)
                if index >= total:
                    return
                if time.monotonic() > deadline:
                    stop_event.set()
                    return
                path, body, headers, _expected = requests[index]
                start = time.perf_counter()
                try:
                    statuses[index] = poster.post(path, body, headers)
                except (OSError, http.client.HTTPException) as error:
                    failures.append(f"{type(error).__name__}: {error}")
                    poster.close()
                latencies[index] = time.perf_counter() - start
        finally:
            reconnects.append(poster.reconnects)
            poster.close()

    queued_before = queued_tasks(broker)
    redis_before = process_cpu(broker["pid"]) if broker else None
    measured = run_measured(worker, concurrency, stop_event, server, url)
    wall, cpu_used = measured["wall"], measured["cpu_seconds"]
    if broker:
        cpu_used["redis"] = round(process_cpu(broker["pid"]) - redis_before, 2)

    done = [i for i in range(total) if latencies[i] is not None]
    unexpected = [i for i in done if statuses[i] != requests[i][3]]
    failures += [f"status {statuses[i]}" for i in unexpected[:20] if statuses[i] is not None]
    accepted = sum(1 for i in done if statuses[i] == requests[i][3])
    return {
        "concurrency": concurrency,
        "requests": len(done),
        "accepted": accepted,
        "errors": len(unexpected),
        "stopped_early": len(done) < total,
        "wall_seconds": round(wall, 3),
        "signatures_per_second": round(accepted / wall, 1) if wall else None,
        **summary([latencies[i] for i in done]),
        "reconnects": sum(reconnects),
        "tasks_queued": None if broker is None else queued_tasks(broker) - queued_before,
        **cpu_report(measured, len(done)),
        "failures": failures[:20],
    }


def process_cpu(pid: int) -> float:
    try:
        return sum(psutil.Process(pid).cpu_times()[:2])
    except psutil.Error:
        return 0.0


def queued_tasks(broker) -> int | None:
    return None if broker is None else broker["client"].llen("celery")  # Celery's default queue


def verify(url: str, target: dict, sent: Counter, broker) -> dict:
    """The database against the answers: one row per accepted signature, the tally equal to the rows."""
    with psycopg.connect(url) as connection:
        rows = dict(
            connection.execute(
                "SELECT method || '/' || status, count(*) FROM signatures_signature "
                "WHERE initiative_id = %s GROUP BY 1",
                [target["initiative_id"]],
            ).fetchall()
        )
        tally = dict(
            connection.execute(
                "SELECT method, sum(count) FROM signatures_signaturetally "
                "WHERE initiative_id = %s GROUP BY 1",
                [target["initiative_id"]],
            ).fetchall()
        )
        awaiting_mail = connection.execute(
            "SELECT count(*) FROM outbox_email WHERE kind = 'signatures/confirm' AND sent_at IS NULL "
            "AND reference LIKE %s",
            [f"initiative:{target['initiative_id']}/supporters/%"],
        ).fetchone()[0]
        live_duplicates = connection.execute(
            "SELECT count(*) FROM (SELECT identity_hash FROM signatures_signature WHERE initiative_id = %s "
            "AND status IN ('pending', 'confirmed') GROUP BY 1 HAVING count(*) > 1) AS d",
            [target["initiative_id"]],
        ).fetchone()[0]
    checks = {
        # Every accepted e-mail declaration is one pending row; every paper row is confirmed at once.
        "email rows": rows.get("email/pending", 0) == sent["email"],
        "paper rows": rows.get("paper/confirmed", 0) == sent["paper"],
        "tally equals confirmed rows": int(tally.get("paper", 0)) == rows.get("paper/confirmed", 0)
        and int(tally.get("email", 0)) == rows.get("email/confirmed", 0),
        "one live row per person": live_duplicates == 0,
        # No worker consumes the queue here: every declaration's e-mail is still due, in the outbox.
        "every e-mail declaration's confirmation in the outbox": awaiting_mail == sent["email"],
    }
    if broker and sent["email"]:
        queued = queued_tasks(broker) - target["tasks_queued_by_preparation"]
        checks["fewer sending tasks than e-mail declarations"] = queued < sent["email"]
    return {
        "verified": all(checks.values()),
        "accepted": dict(sent),
        "checks": checks,
        "rows": rows,
        "tally": {k: int(v) for k, v in tally.items()},
    }
