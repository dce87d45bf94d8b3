"""Load the council search (the API, and the HTML page if it renders) under gunicorn at set concurrencies.

    .venv/bin/python bench/search_load.py [TERC_FILE] [--requests 2000] [--concurrency 1,8,32]

Prepares a dedicated database (`bench_search`: migrations, the full TERC list, synthetic population figures
for about two thirds of the units, the demo local rules), starts gunicorn on a free loopback port with
production settings (DEBUG=0), sends a fixed number of requests at each concurrency from keep-alive
connections, then stops gunicorn and drops the database, also on Ctrl-C. See bench/README.md.
"""

import argparse
import base64
import contextlib
import csv
import datetime
import http.client
import itertools
import json
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import psutil
import psycopg
from harness import DEFAULT_TERC, OUT_DIR, REPO, fresh_database, machine_facts, server_facts

VENV_BIN = Path(sys.executable).parent
SEED = 20200101
REQUEST_TIMEOUT = 30  # seconds; a request slower than that counts as an error
STARTUP_TIMEOUT = 60


def api(**params: str) -> str:
    return "/api/v1/municipalities/" + ("?" + urlencode(params) if params else "")


# (group, path, expected status, weight): what a person typing into a search box, or a client following
# links, asks for. Names with and without Polish letters, TERC prefixes, level filters, pages, details.
API_MIX = [
    ("name prefix", api(search="bed"), 200, 8),
    ("name prefix", api(search="Będ"), 200, 8),
    ("name prefix", api(search="lodz"), 200, 6),
    ("name prefix", api(search="Gli"), 200, 8),
    ("name prefix", api(search="Kat"), 200, 8),
    ("name prefix", api(search="biała"), 200, 6),
    ("name prefix", api(search="now"), 200, 4),
    ("name prefix", api(search="żar"), 200, 3),
    ("name prefix", api(search="k"), 200, 3),
    ("name prefix + level", api(search="biała", level="gmina"), 200, 4),
    ("name prefix + level", api(search="Kat", level="powiat"), 200, 2),
    ("TERC prefix", api(search="24"), 200, 6),
    ("TERC prefix", api(search="2466"), 200, 5),
    ("TERC prefix", api(search="1465011"), 200, 2),
    ("level only", api(level="wojewodztwo"), 200, 4),
    ("level only", api(level="powiat", page="2"), 200, 3),
    ("whole list", api(), 200, 3),
    ("whole list", api(page="50"), 200, 2),
    ("detail", "/api/v1/municipalities/2466011/", 200, 6),
    ("detail", "/api/v1/municipalities/1465011/", 200, 4),
    ("detail", "/api/v1/municipalities/24/", 200, 3),
    ("detail", "/api/v1/municipalities/2469/", 200, 3),
    ("detail, not found", "/api/v1/municipalities/9999999/", 404, 2),
]
HTML_MIX = [
    ("HTML search page", "/councils/?" + urlencode({"search": "Kat"}), 200, 3),
    ("HTML search page", "/councils/?" + urlencode({"search": "biała", "level": "gmina"}), 200, 2),
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("terc_file", nargs="?", type=Path, default=DEFAULT_TERC, help="GUS TERC CSV")
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrency level")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated levels (default 1,8,32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--no-html", action="store_true", help="measure the API only")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop everything after this long")
    parser.add_argument("--database", default="bench_search", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON and the server log go")
    args = parser.parse_args()
    terc_file = args.terc_file.resolve()
    if not terc_file.is_file():
        parser.error(f"no TERC file at {terc_file}; pass its path as the first argument")
    levels = [int(level) for level in args.concurrency.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    # SIGTERM (a CI timeout, kill) must unwind like Ctrl-C, so that gunicorn and the database go away.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.datetime.now(datetime.UTC)
    print("measuring how many CPUs' worth of work this machine does in parallel…", flush=True)
    machine = machine_facts(calibrate=True)
    embedded = not os.environ.get("DATABASE_URL")
    deadline = time.monotonic() + args.max_seconds
    with fresh_database(args.database) as url:
        env = server_environment(url, args.out)
        print("preparing the database (migrate, TERC, population, local rules, static files)…", flush=True)
        prepare(env, terc_file, url, args.out)
        port = free_port()
        log_path = args.out / "search_load-gunicorn.log"
        with gunicorn(env, port, args.workers, args.threads, log_path) as server:
            wait_until_healthy(server, port, log_path)
            mix = list(API_MIX)
            html_status = None
            if not args.no_html:
                html_status = probe(port, HTML_MIX[0][1])
                if html_status == 200:
                    mix += HTML_MIX
                else:
                    print(f"the HTML search page answered {html_status}: measuring the API only", flush=True)
            schedule = build_schedule(mix, args.requests)
            print("warming up…", flush=True)
            warm_up(port, mix, deadline)
            phases = []
            for level in levels:
                print(f"concurrency {level}: {args.requests} requests…", flush=True)
                phases.append(run_phase(port, schedule, level, server, url, deadline))
                if phases[-1]["stopped_early"]:
                    break
        database = server_facts(url, embedded=embedded)
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]

    result = {
        "benchmark": "search_load",
        "started_at": started.isoformat(timespec="seconds"),
        "terc_file": terc_file.name,
        "machine": machine,
        "database": database,
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread"},
        "requests_per_level": args.requests,
        "html_page_status": html_status,
        "mix": [{"group": g, "path": p, "expected_status": s, "weight": w} for g, p, s, w in mix],
        "phases": phases,
    }
    print_tables(result)
    out_file = args.out / f"search_load-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}\nserver log: {log_path}")
    return 0 if all(phase["errors"] == 0 and not phase["stopped_early"] for phase in phases) else 1


# --- the server and its data -------------------------------------------------------------------------


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


def prepare(env: dict[str, str], terc_file: Path, url: str, out_dir: Path) -> None:
    def manage(*arguments: str) -> None:
        command = [sys.executable, "manage.py", *arguments]
        subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)

    manage("migrate", "--noinput")
    manage("import_teryt", str(terc_file))
    population_file = out_dir / "search_load-population.csv"
    write_synthetic_population(url, population_file)
    manage("import_population", str(population_file), "--source", "synthetic figures for benchmarking")
    manage("import_local_rules", str(REPO / "municipalities" / "demo_data" / "local_rules.json"))
    manage("collectstatic", "--noinput", "--verbosity=0")


def write_synthetic_population(url: str, path: Path) -> None:
    """Made-up but plausible figures for about two thirds of the units; the rest stay unknown, as in life."""
    with psycopg.connect(url) as connection:
        units = connection.execute("SELECT teryt, level FROM municipalities_unit ORDER BY teryt").fetchall()
    rng = random.Random(SEED)
    ranges = {"gmina": (1_500, 800_000), "powiat": (20_000, 1_000_000), "wojewodztwo": (950_000, 5_500_000)}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["teryt", "population", "as_of"])
        for teryt, level in units:
            if rng.random() < 0.67:
                low, high = ranges[level]
                writer.writerow([teryt, int(low * (high / low) ** rng.random()), "2019-12-31"])


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


# --- the load ----------------------------------------------------------------------------------------


def build_schedule(mix: list[tuple[str, str, int, int]], count: int) -> list[tuple[str, str, int]]:
    """The same pseudo-random sequence of requests for every concurrency, so the levels compare."""
    rng = random.Random(SEED)
    chosen = rng.choices(mix, weights=[weight for *_, weight in mix], k=count)
    return [(group, path, status) for group, path, status, _ in chosen]


class Client:
    """One keep-alive connection, reopened when the server closes it (counted, not an error)."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def get(self, path: str) -> tuple[int, int]:
        reused = self.connection is not None
        try:
            return self._get(path)
        except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
            self.close()
            if not reused:
                raise
            self.reconnects += 1
            return self._get(path)

    def _get(self, path: str) -> tuple[int, int]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Accept": "text/html" if path.startswith("/councils/") else "application/json"}
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.will_close:
            self.close()
        return response.status, len(body)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def warm_up(port: int, mix: list[tuple[str, str, int, int]], deadline: float) -> None:
    """Every distinct request a few times, so that imports, caches and pools are warm before timing."""
    client = Client(port)
    try:
        for _, path, *_ in mix * 3:
            if time.monotonic() > deadline:
                return
            client.get(path)
    finally:
        client.close()


def run_phase(
    port: int,
    schedule: list[tuple[str, str, int]],
    concurrency: int,
    server: subprocess.Popen,
    url: str,
    deadline: float,
) -> dict:
    total = len(schedule)
    latencies: list[float | None] = [None] * total
    statuses: list[int | None] = [None] * total
    sizes = [0] * total
    failures: list[str] = []
    reconnects = []
    next_index = itertools.count()  # next() on itertools.count is atomic under the GIL
    stop_event = threading.Event()

    def worker() -> None:
        client = Client(port)
        try:
            while not stop_event.is_set():
                index = next(next_index)
                if index >= total:
                    return
                if time.monotonic() > deadline:
                    stop_event.set()
                    return
                _, path, _ = schedule[index]
                start = time.perf_counter()
                try:
                    statuses[index], sizes[index] = client.get(path)
                except (OSError, http.client.HTTPException) as error:
                    failures.append(f"{path}: {type(error).__name__}: {error}")
                    client.close()
                latencies[index] = time.perf_counter() - start
        finally:
            reconnects.append(client.reconnects)
            client.close()

    measured = run_measured(worker, concurrency, stop_event, server, url)
    wall = measured["wall"]
    done = [i for i in range(total) if latencies[i] is not None]
    unexpected = [i for i in done if statuses[i] != schedule[i][2]]
    for i in unexpected[:20]:
        if statuses[i] is not None:
            failures.append(f"{schedule[i][1]}: status {statuses[i]}, expected {schedule[i][2]}")
    groups = {}
    for group in dict.fromkeys(group for group, _, _ in schedule):
        members = [i for i in done if schedule[i][0] == group]
        groups[group] = {
            "requests": len(members),
            **summary([latencies[i] for i in members]),
            "mean_bytes": round(sum(sizes[i] for i in members) / len(members)) if members else None,
        }
    return {
        "concurrency": concurrency,
        "requests": len(done),
        "errors": len(unexpected),
        "stopped_early": len(done) < total,
        "wall_seconds": round(wall, 3),
        "requests_per_second": round(len(done) / wall, 1) if wall else None,
        **summary([latencies[i] for i in done]),
        "reconnects": sum(reconnects),
        **cpu_report(measured, len(done)),
        "groups": groups,
        "failures": failures[:20],
    }


def run_measured(worker, concurrency: int, stop_event: threading.Event, server, url: str) -> dict:
    """Run `concurrency` threads of `worker` to their end: the wall time and the CPU each party used."""
    cpu_before, workers_before = cpu_seconds(server, url), worker_cpu_seconds(server)
    machine_before = machine_cpu_ticks()
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    finally:
        stop_event.set()
    wall = time.perf_counter() - start
    cpu_after, workers_after = cpu_seconds(server, url), worker_cpu_seconds(server)
    return {
        "wall": wall,
        "cpu_seconds": {
            name: round(cpu_after[name] - cpu_before[name], 2)
            if cpu_after[name] is not None and cpu_before[name] is not None
            else None
            for name in cpu_before
        },
        "machine_cpu_percent": machine_cpu_percent(machine_before, machine_cpu_ticks()),
        # Keep-alive connections stay with the worker that accepted them: an uneven split shows here.
        "cpu_seconds_by_gunicorn_worker": sorted(
            round(workers_after[pid] - workers_before.get(pid, 0), 2) for pid in workers_after
        ),
    }


def cpu_report(measured: dict, requests: int) -> dict:
    """The CPU part of a phase's result, per party and per request."""
    return {
        "cpu_seconds": measured["cpu_seconds"],
        "cpu_ms_per_request": {
            name: round(seconds * 1000 / requests, 2) if seconds is not None and requests else None
            for name, seconds in measured["cpu_seconds"].items()
        },
        "machine_cpu_percent": measured["machine_cpu_percent"],
        "cpu_seconds_by_gunicorn_worker": measured["cpu_seconds_by_gunicorn_worker"],
    }


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies)

    def percentile(fraction: float) -> float:
        # Nearest rank: the smallest latency that at least `fraction` of the requests did not exceed.
        rank = max(1, -(-len(ordered) * fraction // 1))
        return round(ordered[int(rank) - 1] * 1000, 2)

    return {
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def machine_cpu_ticks() -> list[int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def machine_cpu_percent(before: list[int] | None, after: list[int] | None) -> dict[str, float] | None:
    """How the whole machine's CPU time went during a phase: idle left means the cores were not the limit;
    steal is time the hypervisor gave to other guests."""
    if not before or not after:
        return None
    delta = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(delta[:8]) or 1  # user nice system idle iowait irq softirq steal (guest is inside user)
    idle, steal = delta[3] + delta[4], delta[7]
    return {
        "busy": round(100 * (total - idle - steal) / total, 1),
        "idle": round(100 * idle / total, 1),
        "steal": round(100 * steal / total, 1),
    }


def worker_cpu_seconds(server: subprocess.Popen) -> dict[int, float]:
    try:
        return {p.pid: sum(p.cpu_times()[:2]) for p in psutil.Process(server.pid).children(recursive=True)}
    except psutil.Error:
        return {}


def cpu_seconds(server: subprocess.Popen, url: str) -> dict[str, float | None]:
    """CPU time used so far by this load generator, by gunicorn (master and workers), and by the
    PostgreSQL backends serving the benchmark database: which of the three the two cores went to."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result: dict[str, float | None] = {"load_generator": usage.ru_utime + usage.ru_stime}
    try:
        master = psutil.Process(server.pid)
        processes = [master, *master.children(recursive=True)]
        result["gunicorn"] = sum(sum(p.cpu_times()[:2]) for p in processes)
    except psutil.Error:
        result["gunicorn"] = None
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            pids = [
                pid
                for (pid,) in connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ]
        result["postgres_backends"] = sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)
    except (psutil.Error, psycopg.Error):
        result["postgres_backends"] = None  # a server on another machine, or not ours to inspect
    return result


# --- the report --------------------------------------------------------------------------------------


def print_tables(result: dict) -> None:
    db = result["database"]
    where = "embedded" if db["embedded"] else "DATABASE_URL"
    gunicorn_setup = result["gunicorn"]
    print(
        f"\nsearch load: gunicorn {gunicorn_setup['workers']} workers x {gunicorn_setup['threads']} threads, "
        f"PostgreSQL {db['server_version']} ({where}), {result['machine']['nproc']} CPUs "
        f"(doing {result['machine']['effective_cpus']}x the work of one), "
        f"{result['requests_per_level']} requests per level"
    )
    header = ("c", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "err")
    rows = [(*header, "CPU ms/req gen/guni/pg", "idle/steal %")]
    for phase in result["phases"]:
        cpu = phase["cpu_ms_per_request"]
        machine = phase["machine_cpu_percent"]
        rows.append(
            (
                str(phase["concurrency"]),
                f"{phase['requests_per_second']:.0f}",
                f"{phase['p50_ms']:.1f}",
                f"{phase['p95_ms']:.1f}",
                f"{phase['p99_ms']:.1f}",
                f"{phase['max_ms']:.1f}",
                str(phase["errors"]),
                " / ".join("?" if cpu[k] is None else f"{cpu[k]:.1f}" for k in cpu),
                "?" if machine is None else f"{machine['idle']:.0f} / {machine['steal']:.0f}",
            )
        )
    print_rows(rows)
    print("\np50 / p95 ms by kind of request")
    groups = list(result["phases"][0]["groups"]) if result["phases"] else []
    rows = [("kind", *(f"c={phase['concurrency']}" for phase in result["phases"]))]
    for group in groups:
        cells = []
        for phase in result["phases"]:
            stats = phase["groups"].get(group) or {}
            if stats.get("p50_ms") is None:
                cells.append("-")
            else:
                cells.append(f"{stats['p50_ms']:.1f} / {stats['p95_ms']:.1f}")
        rows.append((group, *cells))
    print_rows(rows)
    for phase in result["phases"]:
        for failure in phase["failures"][:5]:
            print(f"c={phase['concurrency']}: {failure}")


def print_rows(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
