"""Load the council search (the API, and the HTML page if it renders) under gunicorn at set concurrencies.

    .venv/bin/python bench/search_load.py [TERC_FILE] [--requests 2000] [--concurrency 1,8,32]

Prepares a dedicated database (`bench_search`: migrations, the full TERC list, synthetic population figures
for about two thirds of the units, the demo local rules), starts gunicorn on a free loopback port with
production settings (DEBUG=0), sends a fixed number of requests at each concurrency from keep-alive
connections, then stops gunicorn and drops the database, also on Ctrl-C. See bench/README.md.
"""

import argparse
import csv
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from get_load import run_phase, warm_up
from gunicorn_server import free_port, gunicorn, probe, server_environment, wait_until_healthy
from harness import DEFAULT_TERC, OUT_DIR, REPO, fresh_database, machine_facts, server_facts
from measuring import print_rows

SEED = 20200101


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


# --- the data ----------------------------------------------------------------------------------------


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


# --- the load (sent by get_load.py to the server of gunicorn_server.py) --------------------------------


def build_schedule(mix: list[tuple[str, str, int, int]], count: int) -> list[tuple[str, str, int]]:
    """The same pseudo-random sequence of requests for every concurrency, so the levels compare."""
    rng = random.Random(SEED)
    chosen = rng.choices(mix, weights=[weight for *_, weight in mix], k=count)
    return [(group, path, status) for group, path, status, _ in chosen]


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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
