"""Sign one initiative over HTTP at set concurrencies, e-mail declarations and typed paper rows, and compare
with how fast the same PostgreSQL takes bare inserts of rows that wide.

    .venv/bin/python bench/signatures_load.py [--signatures 2000] [--concurrency 1,8,32,64]
                                              [--gunicorn 2x4,4x2] [--tasks broker|eager]
                                              [--sample 2000] [--py-spy PATH] [--in-process 300]

Prepares a dedicated database (`bench_signatures`: migrations, the demo councils, legal templates and
initiatives, with Gliwice's rules amended to accept e-mail declarations), starts gunicorn on a free loopback
port with production settings (DEBUG=0, rate limits off), sends a fixed number of signatures of distinct
people at each concurrency, samples where the workers' CPU goes (with py-spy, when installed), checks the
database against the answers, times bare inserts into a copy of the signatures table and the same requests
in this process without HTTP, then stops everything and drops the database, also on Ctrl-C.
See bench/README.md.
"""

import argparse
import base64
import contextlib
import datetime
import itertools
import json
import os
import shutil
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from gunicorn_server import free_port, gunicorn, server_environment, wait_until_healthy
from harness import OUT_DIR, fresh_database, machine_facts, server_facts
from measuring import print_rows
from signing_data import FORMS, build_requests, prepare, private_redis
from signing_posts import WARM_UP, queued_tasks, run_phase, verify, warm_up
from signing_profile import measure_in_process, sample_workers
from signing_raw_inserts import raw_inserts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signatures", type=int, default=2000, help="signatures per form and concurrency")
    parser.add_argument("--concurrency", default="1,8,32,64", help="comma-separated levels")
    parser.add_argument(
        "--gunicorn",
        default="2x4",
        help="comma-separated WORKERSxTHREADS setups, each measured (default 2x4)",
    )
    parser.add_argument("--forms", default="email,paper", help="which forms to measure (default both)")
    parser.add_argument(
        "--tasks",
        choices=["broker", "eager"],
        default="broker",
        help="broker: tasks go to a private Redis (no worker runs, as on a web node); "
        "eager: e-mails are rendered in the request, sent to a dummy backend",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=2000,
        help="signatures per form sent at concurrency 8 under py-spy (0: none)",
    )
    parser.add_argument(
        "--py-spy", default=shutil.which("py-spy"), help="the py-spy executable (default: on PATH)"
    )
    parser.add_argument(
        "--in-process",
        type=int,
        default=300,
        help="requests per form timed in this process without HTTP (0: none)",
    )
    parser.add_argument("--no-raw", action="store_true", help="skip the bare PostgreSQL inserts")
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop everything after this long")
    parser.add_argument("--database", default="bench_signatures", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON and the server log go")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    setups = [tuple(int(n) for n in setup.split("x")) for setup in args.gunicorn.split(",")]
    forms = args.forms.split(",")
    if set(forms) - set(FORMS):
        parser.error(f"--forms: choose among {', '.join(FORMS)}")
    if args.tasks == "broker" and not shutil.which("redis-server"):
        print("redis-server is not installed: tasks run eagerly (--tasks eager)", flush=True)
        args.tasks = "eager"
    args.out.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.datetime.now(datetime.UTC)
    print("measuring how many CPUs' worth of work this machine does in parallel…", flush=True)
    machine = machine_facts(calibrate=True)
    embedded = not os.environ.get("DATABASE_URL")
    deadline = time.monotonic() + args.max_seconds
    people = itertools.count()
    with fresh_database(args.database) as url, contextlib.ExitStack() as stack:
        env = server_environment(url, args.out)
        # Personal data are sealed with a key of this run; production requires one (DEBUG=0).
        env["FIELD_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
        broker = stack.enter_context(private_redis()) if args.tasks == "broker" else None
        if broker:
            env["CELERY_BROKER_URL"] = broker["url"]
        else:
            env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
        print("preparing the database (migrate, demo councils, templates, initiatives)…", flush=True)
        target = prepare(env)
        target["tasks_queued_by_preparation"] = queued_tasks(broker)  # the chair's notice of the opening
        sent = Counter()  # accepted signatures per form, from every phase: the database must hold as many
        runs, sampled = [], None
        for workers, threads in setups:
            port = free_port()
            log_path = args.out / f"signatures_load-gunicorn-{workers}x{threads}.log"
            with gunicorn(env, port, workers, threads, log_path) as server:
                wait_until_healthy(server, port, log_path)
                sent.update(warm_up(port, target, people, connections=min(2 * workers * threads, WARM_UP)))
                phases = []
                for form in forms:
                    for level in levels:
                        print(f"gunicorn {workers}x{threads}, {form}, concurrency {level}…", flush=True)
                        requests = build_requests(form, target, people, args.signatures)
                        phase = run_phase(port, requests, level, server, url, deadline, broker)
                        sent[form] += phase["accepted"]
                        phases.append({"form": form, **phase})
                # The floor: the cheapest request of the platform (one SELECT 1) through the same stack.
                print(f"gunicorn {workers}x{threads}, /health/, concurrency 8…", flush=True)
                health = [("/health/", None, {"Accept": "application/json"}, 200)] * args.signatures
                phases.append({"form": "health", **run_phase(port, health, 8, server, url, deadline, broker)})
                if sampled is None and args.sample and args.py_spy:
                    sampled = sample_workers(
                        args.py_spy, server, port, url, target, people, forms, args, broker
                    )
                    sent.update({form: sample["accepted"] for form, sample in sampled.items()})
            runs.append({"workers": workers, "threads": threads, "phases": phases})
        verification = verify(url, target, sent, broker)
        raw = [] if args.no_raw else raw_inserts(url, target, levels, args.signatures, deadline)
        in_process = measure_in_process(target, people, args.in_process, forms) if args.in_process else None
        database = server_facts(url, embedded=embedded)
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]

    result = {
        "benchmark": "signatures_load",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "database": database,
        "tasks": args.tasks,
        "signatures_per_phase": args.signatures,
        "runs": runs,
        "verification": verification,
        "raw_inserts": raw,
        "py_spy_samples": sampled,
        "in_process": in_process,
    }
    print_tables(result)
    out_file = args.out / f"signatures_load-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}")
    phases = [phase for run in runs for phase in run["phases"]]
    clean = all(phase["errors"] == 0 and not phase["stopped_early"] for phase in phases)
    return 0 if clean and verification["verified"] else 1


# --- the report --------------------------------------------------------------------------------------


def print_tables(result: dict) -> None:
    db = result["database"]
    machine = result["machine"]
    where = "embedded" if db["embedded"] else "DATABASE_URL"
    print(
        f"\nsignatures: PostgreSQL {db['server_version']} ({where}), {machine['nproc']} CPUs "
        f"(doing {machine['effective_cpus']}x the work of one), tasks {result['tasks']}, "
        f"{result['signatures_per_phase']} signatures per phase"
    )
    raw_insert = {p["concurrency"]: p for p in result["raw_inserts"] if p["kind"] == "insert"}
    header = ("setup", "form", "c", "sig/s", "p50 ms", "p99 ms", "max ms", "err", "raw ins/s", "ratio")
    rows = [(*header, "CPU ms/req gen/guni/pg/redis", "idle/steal %")]
    for run in result["runs"]:
        for phase in run["phases"]:
            cpu = phase["cpu_ms_per_request"]
            machine_cpu = phase["machine_cpu_percent"]
            raw = raw_insert.get(phase["concurrency"]) if phase["form"] in FORMS else None
            rows.append(
                (
                    f"{run['workers']}x{run['threads']}",
                    phase["form"],
                    str(phase["concurrency"]),
                    f"{phase['signatures_per_second']:.0f}",
                    f"{phase['p50_ms']:.1f}",
                    f"{phase['p99_ms']:.1f}",
                    f"{phase['max_ms']:.1f}",
                    str(phase["errors"]),
                    f"{raw['rows_per_second']:.0f}" if raw else "-",
                    f"{phase['signatures_per_second'] / raw['rows_per_second']:.2f}" if raw else "-",
                    " / ".join("?" if cpu[k] is None else f"{cpu[k]:.1f}" for k in cpu),
                    "?" if machine_cpu is None else f"{machine_cpu['idle']:.0f} / {machine_cpu['steal']:.0f}",
                )
            )
    print_rows(rows)
    if result["raw_inserts"]:
        print("\nbare PostgreSQL, one transaction per row")
        rows = [("kind", "c", "rows/s", "p50 ms", "p99 ms", "err")]
        for phase in result["raw_inserts"]:
            rows.append(
                (
                    phase["kind"],
                    str(phase["concurrency"]),
                    f"{phase['rows_per_second']:.0f}",
                    f"{phase['p50_ms']:.2f}",
                    f"{phase['p99_ms']:.2f}",
                    str(phase["errors"]),
                )
            )
        print_rows(rows)
    verification = result["verification"]
    print(f"\ndatabase checked against the answers: {'ok' if verification['verified'] else 'MISMATCH'}")
    for check, passed in verification["checks"].items():
        print(f"  {'ok ' if passed else 'BAD'} {check}")
    for form, measured in (result["in_process"] or {}).items():
        print(
            f"\n{form} in this process, no HTTP: {measured['ms_per_request_wall']} ms wall, "
            f"{measured['ms_per_request_cpu']} ms CPU, "
            f"{measured['sql_statements_per_request']} SQL statements per request:"
        )
        for statement in measured["statements"]:
            print(f"  {statement}")
    for form, sample in (result["py_spy_samples"] or {}).items():
        print(
            f"\nwhere the workers' CPU goes, {form} at concurrency 8 ({sample['samples']} samples, "
            f"{sample['gunicorn_cpu_ms_per_request']} ms of gunicorn CPU per request):"
        )
        for name, stage in sample["stages"].items():
            print(f"  {stage['percent']:5.1f} %  {stage['cpu_ms_per_request'] or 0:5.2f} ms  {name}")
        print("  under which of our lines:")
        for frame, percent in sample["our_call_sites"][:8]:
            print(f"  {percent:5.1f} %  {frame}")
    for run in result["runs"]:
        for phase in run["phases"]:
            for failure in phase["failures"][:3]:
                print(
                    f"{run['workers']}x{run['threads']} {phase['form']} c={phase['concurrency']}: {failure}"
                )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn and Redis stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
