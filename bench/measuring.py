"""What a timed phase is measured by: its threads' wall time, the CPU each party used (the load generator,
gunicorn, the PostgreSQL backends, the whole machine), latency percentiles, and the printed table."""

import resource
import subprocess
import threading
import time

import psutil
import psycopg


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


def print_rows(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
