"""Sign one initiative over HTTP at set concurrencies, e-mail declarations and typed paper rows, and compare
with how fast the same PostgreSQL takes bare inserts of rows that wide.

    .venv/bin/python bench/signatures_load.py [--signatures 2000] [--concurrency 1,8,32,64]
                                              [--gunicorn 2x4,4x2] [--tasks broker|eager]
                                              [--sample 2000] [--py-spy PATH] [--in-process 300]

Prepares a dedicated database (`bench_signatures`: migrations, the demo councils, legal templates and
initiatives, with Gliwice's rules amended to accept e-mail declarations), starts gunicorn on a free loopback
port with production settings (DEBUG=0, rate limits off), sends a fixed number of signatures of distinct
people at each concurrency, samples where the workers' CPU goes (with py-spy, when installed), checks the
database against the answers, times bare inserts into a copy of the signatures table and the same requests
in this process without HTTP, then stops everything and drops the database, also on Ctrl-C.
See bench/README.md.
"""

import argparse
import base64
import contextlib
import datetime
import http.client
import io
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import psycopg
from harness import OUT_DIR, fresh_database, machine_facts, server_facts
from search_load import (
    REQUEST_TIMEOUT,
    cpu_report,
    free_port,
    gunicorn,
    print_rows,
    run_measured,
    server_environment,
    summary,
    wait_until_healthy,
)

REPRESENTATIVE = "anna.nowak@example.org"  # the demo committee's representative types the paper rows
FIRST_NAMES = ["Anna", "Łukasz", "Zofia", "Grzegorz", "Bożena", "Michał", "Żaneta", "Piotr"]
LETTERS = "abcdefghijklmnoprstuwyz"
FORMS = {
    # form: (path under /api/v1/initiatives/{id}/, expected status)
    "email": ("signatures/", 202),
    "paper": ("paper-signatures/", 201),
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signatures", type=int, default=2000, help="signatures per form and concurrency")
    parser.add_argument("--concurrency", default="1,8,32,64", help="comma-separated levels")
    parser.add_argument(
        "--gunicorn",
        default="2x4",
        help="comma-separated WORKERSxTHREADS setups, each measured (default 2x4)",
    )
    parser.add_argument("--forms", default="email,paper", help="which forms to measure (default both)")
    parser.add_argument(
        "--tasks",
        choices=["broker", "eager"],
        default="broker",
        help="broker: tasks go to a private Redis (no worker runs, as on a web node); "
        "eager: e-mails are rendered in the request, sent to a dummy backend",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=2000,
        help="signatures per form sent at concurrency 8 under py-spy (0: none)",
    )
    parser.add_argument(
        "--py-spy", default=shutil.which("py-spy"), help="the py-spy executable (default: on PATH)"
    )
    parser.add_argument(
        "--in-process",
        type=int,
        default=300,
        help="requests per form timed in this process without HTTP (0: none)",
    )
    parser.add_argument("--no-raw", action="store_true", help="skip the bare PostgreSQL inserts")
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop everything after this long")
    parser.add_argument("--database", default="bench_signatures", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON and the server log go")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    setups = [tuple(int(n) for n in setup.split("x")) for setup in args.gunicorn.split(",")]
    forms = args.forms.split(",")
    if set(forms) - set(FORMS):
        parser.error(f"--forms: choose among {', '.join(FORMS)}")
    if args.tasks == "broker" and not shutil.which("redis-server"):
        print("redis-server is not installed: tasks run eagerly (--tasks eager)", flush=True)
        args.tasks = "eager"
    args.out.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.datetime.now(datetime.UTC)
    print("measuring how many CPUs' worth of work this machine does in parallel…", flush=True)
    machine = machine_facts(calibrate=True)
    embedded = not os.environ.get("DATABASE_URL")
    deadline = time.monotonic() + args.max_seconds
    people = itertools.count()
    with fresh_database(args.database) as url, contextlib.ExitStack() as stack:
        env = server_environment(url, args.out)
        # Personal data are sealed with a key of this run; production requires one (DEBUG=0).
        env["FIELD_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
        broker = stack.enter_context(private_redis()) if args.tasks == "broker" else None
        if broker:
            env["CELERY_BROKER_URL"] = broker["url"]
        else:
            env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
        print("preparing the database (migrate, demo councils, templates, initiatives)…", flush=True)
        target = prepare(env)
        target["tasks_queued_by_preparation"] = queued_tasks(broker)  # the chair's notice of the opening
        sent = Counter()  # accepted signatures per form, from every phase: the database must hold as many
        runs, sampled = [], None
        for workers, threads in setups:
            port = free_port()
            log_path = args.out / f"signatures_load-gunicorn-{workers}x{threads}.log"
            with gunicorn(env, port, workers, threads, log_path) as server:
                wait_until_healthy(server, port, log_path)
                sent.update(warm_up(port, target, people, connections=min(2 * workers * threads, WARM_UP)))
                phases = []
                for form in forms:
                    for level in levels:
                        print(f"gunicorn {workers}x{threads}, {form}, concurrency {level}…", flush=True)
                        requests = build_requests(form, target, people, args.signatures)
                        phase = run_phase(port, requests, level, server, url, deadline, broker)
                        sent[form] += phase["accepted"]
                        phases.append({"form": form, **phase})
                # The floor: the cheapest request of the platform (one SELECT 1) through the same stack.
                print(f"gunicorn {workers}x{threads}, /health/, concurrency 8…", flush=True)
                health = [("/health/", None, {"Accept": "application/json"}, 200)] * args.signatures
                phases.append({"form": "health", **run_phase(port, health, 8, server, url, deadline, broker)})
                if sampled is None and args.sample and args.py_spy:
                    sampled = sample_workers(
                        args.py_spy, server, port, url, target, people, forms, args, broker
                    )
                    sent.update({form: sample["accepted"] for form, sample in sampled.items()})
            runs.append({"workers": workers, "threads": threads, "phases": phases})
        verification = verify(url, target, sent, broker)
        raw = [] if args.no_raw else raw_inserts(url, target, levels, args.signatures, deadline)
        in_process = measure_in_process(target, people, args.in_process, forms) if args.in_process else None
        database = server_facts(url, embedded=embedded)
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]

    result = {
        "benchmark": "signatures_load",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "database": database,
        "tasks": args.tasks,
        "signatures_per_phase": args.signatures,
        "runs": runs,
        "verification": verification,
        "raw_inserts": raw,
        "py_spy_samples": sampled,
        "in_process": in_process,
    }
    print_tables(result)
    out_file = args.out / f"signatures_load-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}")
    phases = [phase for run in runs for phase in run["phases"]]
    clean = all(phase["errors"] == 0 and not phase["stopped_early"] for phase in phases)
    return 0 if clean and verification["verified"] else 1


# --- the data and the server -------------------------------------------------------------------------


def django_in_this_process(env: dict[str, str]) -> None:
    """The same settings as the server's, for preparing the data and for the profile."""
    os.environ.update(env)
    import django

    django.setup()


def prepare(env: dict[str, str]) -> dict:
    django_in_this_process(env)
    from django.core.management import call_command
    from django.db import connections

    from accounts.api_tokens import api_token_issue
    from accounts.models import User
    from initiative.demo import seed_initiatives
    from initiative.models import Initiative
    from legal_templates.services import templates_load
    from municipalities.demo import demo_rules_amended, seed_municipalities
    from municipalities.local_rules import local_rules_import

    call_command("migrate", "--noinput", verbosity=0)
    seed_municipalities()
    # Gliwice's rules (II/25/2018) as an amendment accepting e-mail declarations besides paper would make
    # them: the demo's collecting initiative opens under these (before it freezes its rules), so both
    # forms are counted.
    local_rules_import([demo_rules_amended("2466011", signature_methods=["paper", "email"])])
    templates_load()
    seed_initiatives()
    initiative = Initiative.objects.get(status="collecting", municipality__teryt="2466011")
    _row, token = api_token_issue(user=User.objects.get(email=REPRESENTATIVE))
    connections.close_all()
    return {
        "initiative_id": initiative.pk,
        "token": token,
        "rules": initiative.rules["signature_methods"],
    }


@contextlib.contextmanager
def private_redis():
    """A Redis of our own on a free loopback port, in memory only, as the broker that tasks are sent to."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(50):
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.1)
        yield {"url": f"redis://127.0.0.1:{port}/0", "pid": server.pid, "client": client}
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)
        if server.poll() is None:
            server.kill()


def person(number: int) -> dict:
    """A distinct adult per number (the identity is first name, surname and date of birth)."""
    suffix, rest = "", number
    for _ in range(4):
        suffix, rest = suffix + LETTERS[rest % len(LETTERS)], rest // len(LETTERS)
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=number % 20_000)
    return {
        "first_names": FIRST_NAMES[number % len(FIRST_NAMES)],
        "last_name": f"Nowak-{suffix.capitalize()}{LETTERS[rest % len(LETTERS)] if rest else ''}",
        "address": f"ul. Zwycięstwa {number % 200 + 1}/{number % 37 + 1}, 44-100 Gliwice",
        "birth_date": born.isoformat(),
        "citizenship": "PL",
        "declaration": True,
        "privacy_notice": True,
    }


def build_requests(form: str, target: dict, people, count: int) -> list[tuple[str, bytes, dict, int]]:
    """(path, body, headers, expected status) for `count` new people, encoded before the clock starts."""
    suffix, expected = FORMS[form]
    path = f"/api/v1/initiatives/{target['initiative_id']}/{suffix}"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if form == "paper":
        headers["Authorization"] = f"Token {target['token']}"
    requests = []
    for _ in range(count):
        number = next(people)
        data = person(number)
        if form == "email":
            data["email"] = f"osoba{number}@example.org"
        requests.append((path, json.dumps(data).encode(), headers, expected))
    return requests


# --- the load ----------------------------------------------------------------------------------------


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


# --- bare inserts ------------------------------------------------------------------------------------


def raw_inserts(url: str, target: dict, levels: list[int], count: int, deadline: float) -> list[dict]:
    """Rows as wide as a real e-mail declaration into a copy of the table (its checks and indexes, not its
    foreign keys), one transaction each, from `level` connections; then the same with the statements the
    signing transaction sends, with and without its row lock, to show what round trips and lock cost."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw_signature")
        connection.execute("CREATE TABLE bench_raw_signature (LIKE signatures_signature INCLUDING ALL)")
        cursor = connection.execute(
            "SELECT * FROM signatures_signature WHERE initiative_id = %s AND method = 'email' LIMIT 1",
            [target["initiative_id"]],
        )
        template = dict(zip([column.name for column in cursor.description], cursor.fetchone(), strict=True))
    del template["id"]
    columns = list(template)
    insert = (
        f"INSERT INTO bench_raw_signature ({', '.join(columns)}) "  # our own column names
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id"
    )
    # The signing transaction's own statement: the partial unique index of live signatures decides.
    insert_once = insert.replace(
        " RETURNING id",
        " ON CONFLICT (initiative_id, identity_hash) WHERE status IN ('pending', 'confirmed') DO NOTHING"
        " RETURNING id",
    )
    hash_at = columns.index("identity_hash")

    def values() -> list:
        row = list(template.values())
        row[hash_at] = secrets.token_hex(32)
        return row

    def bare(connection) -> None:
        connection.execute(insert, values())

    def app_shaped(connection) -> None:
        # What signature_submit sends for an e-mail declaration, minus Django: lock the initiative row
        # FOR SHARE, insert unless the person has a live signature, commit.
        with connection.transaction():
            connection.execute(
                "SELECT id FROM initiative_initiative WHERE id = %s FOR SHARE", [target["initiative_id"]]
            )
            connection.execute(insert_once, values())

    def unlocked(connection) -> None:
        # The same with a plain SELECT: what locking one row by every signer costs, round trips aside.
        with connection.transaction():
            connection.execute(
                "SELECT id FROM initiative_initiative WHERE id = %s", [target["initiative_id"]]
            )
            connection.execute(insert_once, values())

    results = []
    kinds = (
        ("insert", bare),
        ("transaction like the app's", app_shaped),
        ("same without FOR SHARE", unlocked),
    )
    for kind, statement in kinds:
        for level in levels:
            print(f"bare PostgreSQL: {kind}, concurrency {level}…", flush=True)
            results.append({"kind": kind, **insert_phase(url, statement, level, count, deadline)})
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE bench_raw_signature")
    return results


def insert_phase(url: str, statement, concurrency: int, total: int, deadline: float) -> dict:
    latencies: list[float] = []
    failures: list[str] = []
    next_index = itertools.count()

    def worker() -> None:
        mine = []
        with psycopg.connect(url, autocommit=True) as connection:
            while next(next_index) < total and time.monotonic() < deadline:
                start = time.perf_counter()
                try:
                    statement(connection)
                except psycopg.Error as error:
                    failures.append(str(error))
                mine.append(time.perf_counter() - start)
        latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "concurrency": concurrency,
        "rows": len(latencies),
        "errors": len(failures),
        "wall_seconds": round(wall, 3),
        "rows_per_second": round(len(latencies) / wall, 1) if wall else None,
        **summary(latencies),
    }


# --- where the time goes -----------------------------------------------------------------------------

# Where a sample of a worker on the CPU is: the innermost frame that matches, reading from the leaf up.
# Order matters within one frame only (keyed_hash lives in the encryption module).
STAGES = [
    ("keyed hash (HMAC-SHA256)", ("keyed_hash (", "hmac.py")),
    ("encryption (AES-GCM)", ("personal_data/encryption.py", "personal_data/fields.py", "cryptography/")),
    ("supporter checks", ("signatures/checks.py", "stdnum/", "django/core/validators.py")),
    ("JSON", ("json/",)),
    ("logging", ("logging/",)),
    ("SQL: psycopg, pool", ("psycopg/", "psycopg_pool/")),
    ("ORM and SQL compilation", ("django/db/",)),
    ("task publishing (Celery, kombu, Redis)", ("celery/", "kombu/", "redis/", "vine/", "amqp/")),
    ("e-mail rendering", ("django/template/", "django/core/mail/")),
    ("DRF", ("rest_framework/",)),
    (
        "Django request, middleware, URLs",
        (
            "django/core/handlers/",
            "django/middleware/",
            "django/contrib/",
            "django_otp/",
            "whitenoise/",
            "django/urls/",
            "django/http/",
            "django/utils/",
            "django/dispatch/",
            "django/conf/",
            "django/views/",
        ),
    ),
    ("signatures and initiative code", ("signatures/", "initiative/", "municipalities/", "accounts/")),
    ("gunicorn: HTTP parsing, worker loop", ("gunicorn/",)),
]


OUR_APPS = ("signatures/", "initiative/", "accounts/", "personal_data/", "municipalities/", "config/")


def call_site_of(frames: list[str]) -> str:
    """The innermost frame in our own code: which of our lines the time was spent under."""
    for frame in reversed(frames):
        if any(f"({app}" in frame for app in OUR_APPS):
            return frame
    return "(outside our code: gunicorn, middleware, DRF before the view)"


def stage_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, markers in STAGES:
            if any(marker in frame for marker in markers):
                return name
    return "other"


def sample_workers(py_spy: str, server, port, url, target, people, forms, args, broker) -> dict:
    """Send each form at concurrency 8 while py-spy samples the workers' stacks (on the CPU only), in a
    phase of its own so that sampling never touches the timed figures; group the samples by stage."""
    result = {}
    for form in forms:
        out = args.out / f"signatures_load-py-spy-{form}.txt"
        command = [py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--gil"]
        command += ["--rate", "250", "--format", "raw", "--output", str(out)]
        print(f"sampling the workers with py-spy: {form}, concurrency 8…", flush=True)
        spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        time.sleep(1.5)  # attaching to the master and its workers
        requests = build_requests(form, target, people, args.sample)
        phase = run_phase(port, requests, 8, server, url, time.monotonic() + 600, broker)
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        try:
            spy.wait(timeout=60)
        except subprocess.TimeoutExpired:
            spy.kill()
        stages, sites, leaves, total = Counter(), Counter(), Counter(), 0
        with contextlib.suppress(FileNotFoundError):
            for line in out.read_text(encoding="utf-8").splitlines():
                stack, _, count = line.rpartition(" ")
                if not stack or not count.isdigit():
                    continue
                frames = stack.split(";")
                stages[stage_of(frames)] += int(count)
                sites[call_site_of(frames)] += int(count)
                leaves[frames[-1]] += int(count)
                total += int(count)
        gunicorn_ms = phase["cpu_ms_per_request"]["gunicorn"]
        result[form] = {
            "accepted": phase["accepted"],
            "signatures_per_second": phase["signatures_per_second"],
            "samples": total,
            "gunicorn_cpu_ms_per_request": gunicorn_ms,
            "stages": {
                name: {
                    "percent": round(100 * count / total, 1),
                    "cpu_ms_per_request": round(gunicorn_ms * count / total, 2) if gunicorn_ms else None,
                }
                for name, count in stages.most_common()
            }
            if total
            else {},
            "our_call_sites": [
                [frame, round(100 * count / total, 1)] for frame, count in sites.most_common(12)
            ]
            if total
            else [],
            "top_leaf_frames": [
                [frame, round(100 * count / total, 1)] for frame, count in leaves.most_common(15)
            ]
            if total
            else [],
        }
    return result


def measure_in_process(target: dict, people, count: int, forms: list[str]) -> dict:
    """Each form's POST through Django's real WSGI handler in this process, one after another: the cost of
    a request without HTTP parsing, gunicorn or other requests, and the SQL statements it sends."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, connections

    application = get_wsgi_application()
    statements = []

    def count_statements(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def call(path: str, body: bytes, headers: dict, expected: int) -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": headers["Content-Type"],
            "HTTP_ACCEPT": "application/json",
        }
        if "Authorization" in headers:
            environ["HTTP_AUTHORIZATION"] = headers["Authorization"]
        answer = []
        b"".join(application(environ, lambda status, response_headers: answer.append(status)))
        if not answer[0].startswith(str(expected)):
            raise SystemExit(f"in process: {path} answered {answer[0]}")

    result = {}
    for form in forms:
        print(f"in this process: {form}, {count} requests…", flush=True)
        for request in build_requests(form, target, people, 20):  # warm
            call(*request)
        requests = build_requests(form, target, people, count)
        start, cpu_start = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count_statements):
            for request in requests:
                call(*request)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        result[form] = {
            "requests": count,
            "ms_per_request_wall": round(wall * 1000 / count, 2),
            "ms_per_request_cpu": round(cpu * 1000 / count, 2),
            "sql_statements_per_request": round(len(statements) / count, 1),
            "statements": [" ".join(sql.split()[:6]) for sql in statements[: len(statements) // count]],
        }
        statements.clear()
    connections.close_all()
    return result


# --- the report --------------------------------------------------------------------------------------


def print_tables(result: dict) -> None:
    db = result["database"]
    machine = result["machine"]
    where = "embedded" if db["embedded"] else "DATABASE_URL"
    print(
        f"\nsignatures: PostgreSQL {db['server_version']} ({where}), {machine['nproc']} CPUs "
        f"(doing {machine['effective_cpus']}x the work of one), tasks {result['tasks']}, "
        f"{result['signatures_per_phase']} signatures per phase"
    )
    raw_insert = {p["concurrency"]: p for p in result["raw_inserts"] if p["kind"] == "insert"}
    header = ("setup", "form", "c", "sig/s", "p50 ms", "p99 ms", "max ms", "err", "raw ins/s", "ratio")
    rows = [(*header, "CPU ms/req gen/guni/pg/redis", "idle/steal %")]
    for run in result["runs"]:
        for phase in run["phases"]:
            cpu = phase["cpu_ms_per_request"]
            machine_cpu = phase["machine_cpu_percent"]
            raw = raw_insert.get(phase["concurrency"]) if phase["form"] in FORMS else None
            rows.append(
                (
                    f"{run['workers']}x{run['threads']}",
                    phase["form"],
                    str(phase["concurrency"]),
                    f"{phase['signatures_per_second']:.0f}",
                    f"{phase['p50_ms']:.1f}",
                    f"{phase['p99_ms']:.1f}",
                    f"{phase['max_ms']:.1f}",
                    str(phase["errors"]),
                    f"{raw['rows_per_second']:.0f}" if raw else "-",
                    f"{phase['signatures_per_second'] / raw['rows_per_second']:.2f}" if raw else "-",
                    " / ".join("?" if cpu[k] is None else f"{cpu[k]:.1f}" for k in cpu),
                    "?" if machine_cpu is None else f"{machine_cpu['idle']:.0f} / {machine_cpu['steal']:.0f}",
                )
            )
    print_rows(rows)
    if result["raw_inserts"]:
        print("\nbare PostgreSQL, one transaction per row")
        rows = [("kind", "c", "rows/s", "p50 ms", "p99 ms", "err")]
        for phase in result["raw_inserts"]:
            rows.append(
                (
                    phase["kind"],
                    str(phase["concurrency"]),
                    f"{phase['rows_per_second']:.0f}",
                    f"{phase['p50_ms']:.2f}",
                    f"{phase['p99_ms']:.2f}",
                    str(phase["errors"]),
                )
            )
        print_rows(rows)
    verification = result["verification"]
    print(f"\ndatabase checked against the answers: {'ok' if verification['verified'] else 'MISMATCH'}")
    for check, passed in verification["checks"].items():
        print(f"  {'ok ' if passed else 'BAD'} {check}")
    for form, measured in (result["in_process"] or {}).items():
        print(
            f"\n{form} in this process, no HTTP: {measured['ms_per_request_wall']} ms wall, "
            f"{measured['ms_per_request_cpu']} ms CPU, "
            f"{measured['sql_statements_per_request']} SQL statements per request:"
        )
        for statement in measured["statements"]:
            print(f"  {statement}")
    for form, sample in (result["py_spy_samples"] or {}).items():
        print(
            f"\nwhere the workers' CPU goes, {form} at concurrency 8 ({sample['samples']} samples, "
            f"{sample['gunicorn_cpu_ms_per_request']} ms of gunicorn CPU per request):"
        )
        for name, stage in sample["stages"].items():
            print(f"  {stage['percent']:5.1f} %  {stage['cpu_ms_per_request'] or 0:5.2f} ms  {name}")
        print("  under which of our lines:")
        for frame, percent in sample["our_call_sites"][:8]:
            print(f"  {percent:5.1f} %  {frame}")
    for run in result["runs"]:
        for phase in run["phases"]:
            for failure in phase["failures"][:3]:
                print(
                    f"{run['workers']}x{run['threads']} {phase['form']} c={phase['concurrency']}: {failure}"
                )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn and Redis stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
