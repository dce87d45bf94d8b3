"""The server under test: gunicorn with production settings on a free loopback port, started in a session
of its own, waited for until /health/ answers, and stopped with all its workers (search_load.py,
signatures_load.py and count_page.py share it)."""

import base64
import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from harness import REPO

VENV_BIN = Path(sys.executable).parent
REQUEST_TIMEOUT = 30  # seconds; a request slower than that counts as an error
STARTUP_TIMEOUT = 60


def server_environment(url: str, out_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_hex(32),  # 64 characters, new for every run
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),  # required with DEBUG=0
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        RATE_LIMITS="off",
        # Static files (the manifest that DEBUG=0 needs to render pages) go under bench/out, not var/.
        VAR_DIR=str(out_dir / "var"),
        LOG_LEVEL="WARNING",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, threads: int, log_path: Path):
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        *("-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}"),
    ]
    with log_path.open("w", encoding="utf-8") as log:
        # A session of its own: Ctrl-C reaches only this script, which then stops the server in order.
        server = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield server
        finally:
            stop(server)


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # gunicorn's graceful shutdown: finish requests in flight, stop the workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
    # The workers are in the server's own process group: make sure none outlives the master.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=5)


def wait_until_healthy(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log_path}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if probe(port, "/health/") == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /health/ within {STARTUP_TIMEOUT} s; see {log_path}")


def probe(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
