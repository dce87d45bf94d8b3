"""What every benchmark needs: a throw-away PostgreSQL database, and facts about the machine it ran on.

The database lives on the server of DATABASE_URL when that is set, otherwise on the embedded server
under var/postgres (the zero-setup path of the project). It is created empty and dropped at the end, so
a benchmark never touches the development or test databases.
"""

import contextlib
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "bench" / "out"
DEFAULT_TERC = REPO.parent / "shared" / "data" / "TERC_2020.csv"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


@contextlib.contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """Yield the URL of a new, empty database `name`; drop it afterwards (also on Ctrl-C).

    With the embedded server, this process holds a handle for as long as the block runs: subprocesses
    given the URL reach the server, and the server stops when the last handle exits.
    """
    base_url = os.environ.get("DATABASE_URL", "")
    if base_url:
        url = _with_database(base_url, name)
        _drop(base_url, name)
        with psycopg.connect(base_url, dbname="postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        from config.embedded_postgres import embedded_database_url

        var_dir = Path(os.environ.get("VAR_DIR", REPO / "var"))
        _drop(embedded_database_url(var_dir / "postgres", database="postgres"), name)
        url = embedded_database_url(var_dir / "postgres", database=name)  # creates it
    try:
        yield url
    finally:
        _drop(url, name)


def _drop(url: str, name: str) -> None:
    # FORCE (PostgreSQL 13+) ends connections still open to it, e.g. a pool of this very process.
    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_facts(url: str, *, embedded: bool) -> dict:
    with psycopg.connect(url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            connection.execute(
                "SELECT name, setting || coalesce(unit, '') FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'work_mem', 'max_connections', 'synchronous_commit')"
            ).fetchall()
        )
    return {"server_version": version, "embedded": embedded, "settings": settings}


def machine_facts(*, calibrate: bool = False) -> dict:
    memory_kib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    cpu_model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": nproc,
        "effective_cpus": cpu_scaling(nproc) if calibrate else None,
        # Other work on the machine skews every figure; the load average hints at it (it also counts, for a
        # minute or so, the threads of a benchmark that has just ended).
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "memory_gib": round(memory_kib / 1024 / 1024, 1) if memory_kib else None,
        "cpu_model": cpu_model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def cpu_scaling(nproc: int, seconds: float = 1.5) -> float:
    """How many CPUs' worth of work `nproc` busy processes get done, against one busy process.

    A virtual machine's CPUs may be hyperthreads of one core or shared with neighbours: nproc alone
    would promise more than the machine delivers, and throughput would look worse than it is.
    """
    # The better of two single runs, one on each side: a neighbour's burst should not inflate the ratio.
    first = _busy_loops(1, seconds)
    parallel = _busy_loops(nproc, seconds)
    return round(parallel / max(first, _busy_loops(1, seconds)), 2)


def _busy_loops(processes: int, seconds: float) -> int:
    queue = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_spin, args=(seconds, queue)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    total = sum(queue.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total


def _spin(seconds: float, queue) -> None:
    loops, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        loops += 1
    queue.put(loops)
