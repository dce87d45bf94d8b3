"""GET requests from keep-alive connections at a set concurrency, each phase timed and its CPU measured:
the load of search_load.py and count_page.py."""

import http.client
import itertools
import subprocess
import threading
import time

from gunicorn_server import REQUEST_TIMEOUT
from measuring import cpu_report, run_measured, summary


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
