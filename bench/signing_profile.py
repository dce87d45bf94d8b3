"""Where a signature's CPU goes (signatures_load.py): py-spy samples of the gunicorn workers grouped by
stage and by our own line, and the same POSTs through Django's WSGI handler in this process, without HTTP."""

import contextlib
import io
import signal
import subprocess
import time
from collections import Counter

from signing_data import build_requests
from signing_posts import run_phase

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
