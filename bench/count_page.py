"""The public count of an initiative with 10 signatures and with a million: pages and API must not slow down.

    .venv/bin/python bench/count_page.py [--requests 1000] [--concurrency 1,8] [--signatures 1000000]

Prepares a dedicated database (`bench_count`: migrations, the demo councils, templates and initiatives),
gives Gliwice's collecting initiative 10 confirmed paper signatures written straight into the table by SQL
and its tally rows to match, starts gunicorn with production settings (DEBUG=0), and times the public pages
and API that show the count. Then it brings the initiative to a million signatures the same way and times
them again. Encrypted columns hold a fixed dummy value: nothing on these pages decrypts them. Stops
gunicorn and drops the database at the end, also on Ctrl-C. See bench/README.md.
"""

import argparse
import base64
import datetime
import http.client
import json
import os
import signal
import sys
import time
from pathlib import Path

import psycopg
from get_load import run_phase, warm_up
from gunicorn_server import free_port, gunicorn, server_environment, wait_until_healthy
from harness import OUT_DIR, fresh_database, machine_facts, server_facts
from measuring import print_rows
from psycopg import sql

BATCH = 100_000  # rows per INSERT … SELECT generate_series, so that progress shows
SHARDS = 16  # SignatureTally.SHARDS
# A sealed value as wide as a real one ("v1.<key id>.<base64 of nonce, ciphertext, tag>"), never opened here.
DUMMY_SEALED = "v1.00000000." + base64.b64encode(bytes(60)).decode()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000, help="requests per concurrency and size")
    parser.add_argument("--concurrency", default="1,8", help="comma-separated levels (default 1,8)")
    parser.add_argument(
        "--signatures", type=int, default=1_000_000, help="the large size (default a million)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop everything after this long")
    parser.add_argument("--database", default="bench_count", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON and the server log go")
    args = parser.parse_args()
    levels = [int(level) for level in args.concurrency.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.datetime.now(datetime.UTC)
    machine = machine_facts()
    embedded = not os.environ.get("DATABASE_URL")
    deadline = time.monotonic() + args.max_seconds
    with fresh_database(args.database) as url:
        env = server_environment(url, args.out)
        env["FIELD_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
        # No broker: tasks run in the process that sends them, and their e-mails (the chair's notice of the
        # opening) go nowhere.
        env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
        print("preparing the database (migrate, demo data, static files)…", flush=True)
        initiative_id, member_id = prepare(env)
        mix = [
            ("initiative page", f"/initiatives/{initiative_id}/", 200, 1),
            ("API detail", f"/api/v1/initiatives/{initiative_id}/", 200, 1),
            ("initiatives list page", "/initiatives/", 200, 1),
            ("API list", "/api/v1/initiatives/", 200, 1),
        ]
        sizes = []
        port = free_port()
        log_path = args.out / "count_page-gunicorn.log"
        with gunicorn(env, port, args.workers, args.threads, log_path) as server:
            wait_until_healthy(server, port, log_path)
            for size in (10, args.signatures):
                print(f"bringing the initiative to {size:,} signatures…", flush=True)
                filled = fill(url, initiative_id, member_id, size)
                shown = shown_count(port, initiative_id)
                if shown != size:
                    raise SystemExit(f"the API shows {shown} signatures, expected {size}")
                warm_up(port, mix, deadline)
                phases = {}
                for level in levels:
                    for kind, path, status, _weight in mix:
                        print(f"{size:,} signatures, {kind}, concurrency {level}…", flush=True)
                        schedule = [(kind, path, status)] * args.requests
                        phases.setdefault(kind, []).append(
                            run_phase(port, schedule, level, server, url, deadline)
                        )
                sizes.append({"signatures": size, "shown": shown, **filled, "phases": phases})
        database = server_facts(url, embedded=embedded)
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]

    result = {
        "benchmark": "count_page",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "database": database,
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread"},
        "requests_per_phase": args.requests,
        "sizes": sizes,
    }
    print_tables(result)
    out_file = args.out / f"count_page-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}")
    phases = [phase for size in sizes for kind in size["phases"].values() for phase in kind]
    return 0 if all(phase["errors"] == 0 and not phase["stopped_early"] for phase in phases) else 1


def prepare(env: dict[str, str]) -> tuple[int, int]:
    """Demo data through the real code, in this process with the server's settings."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from accounts.models import User
    from initiative.demo import seed_initiatives
    from initiative.models import Initiative
    from legal_templates.services import templates_load
    from municipalities.demo import seed_municipalities

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # pages need the manifest with DEBUG=0
    seed_municipalities()
    templates_load()
    seed_initiatives()
    initiative = Initiative.objects.get(status="collecting", municipality__teryt="2466011")
    member = User.objects.get(email="anna.nowak@example.org")
    connections.close_all()
    return initiative.pk, member.pk


def fill(url: str, initiative_id: int, member_id: int, size: int) -> dict:
    """Confirmed paper signatures up to `size`, straight into the table; then the tally rows to match.

    The insert names every column that must have a value: a column added to the table later without a
    default stops the script with its name rather than failing somewhere in the middle.
    """
    values = {
        "initiative_id": sql.Literal(initiative_id),
        "method": sql.Literal("paper"),
        "status": sql.Literal("confirmed"),
        # Unique per row, 64 hex digits like the keyed hash it stands for.
        "identity_hash": sql.SQL("encode(sha256(('bench-count:' || g)::bytea), 'hex')"),
        "first_names": sql.Literal(DUMMY_SEALED),
        "last_name": sql.Literal(DUMMY_SEALED),
        "address": sql.Literal(DUMMY_SEALED),
        "pesel": sql.Literal(""),
        "birth_date": sql.Literal(DUMMY_SEALED),
        "email": sql.Literal(""),
        "citizenship": sql.Literal("PL"),
        "signed_on": sql.SQL("current_date"),
        "created_at": sql.SQL("now()"),
        "confirmed_at": sql.SQL("now()"),
        "entered_by_id": sql.Literal(member_id),
        "verdict": sql.Literal("unchecked"),
        "verdict_reason": sql.Literal(""),
        "email_hash": sql.Literal(""),  # a paper row gives no e-mail address
    }
    with psycopg.connect(url, autocommit=True) as connection:
        columns = connection.execute(
            "SELECT column_name, is_nullable = 'YES' OR column_default IS NOT NULL "
            "FROM information_schema.columns WHERE table_name = 'signatures_signature' "
            "ORDER BY ordinal_position"
        ).fetchall()
        missing = [name for name, optional in columns if not optional and name not in values and name != "id"]
        if missing:
            raise SystemExit(
                f"signatures_signature has new required columns {missing}: give them values in fill()"
            )
        names = [name for name, _optional in columns if name in values]
        insert = sql.SQL(
            "INSERT INTO signatures_signature ({}) SELECT {} FROM generate_series(%s::int8, %s::int8) AS g"
        ).format(
            sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(values[name] for name in names)
        )
        have = connection.execute(
            "SELECT count(*) FROM signatures_signature WHERE initiative_id = %s", [initiative_id]
        ).fetchone()[0]
        start = time.perf_counter()
        for first in range(have, size, BATCH):
            last = min(size, first + BATCH) - 1
            connection.execute(insert, [first, last])
            if size > BATCH:
                print(f"  {last + 1:,} rows", flush=True)
        inserted = time.perf_counter() - start
        start = time.perf_counter()
        connection.execute("VACUUM (ANALYZE) signatures_signature")  # what autovacuum does soon after
        vacuumed = time.perf_counter() - start
        with connection.transaction():
            connection.execute(
                "DELETE FROM signatures_signaturetally WHERE initiative_id = %s", [initiative_id]
            )
            connection.execute(
                "INSERT INTO signatures_signaturetally (initiative_id, method, shard, count) "
                "SELECT initiative_id, method, id %% %s, count(*) FROM signatures_signature "
                "WHERE initiative_id = %s AND status = 'confirmed' GROUP BY 1, 2, 3",
                [SHARDS, initiative_id],
            )
        return {
            "insert_seconds": round(inserted, 2),
            "vacuum_analyze_seconds": round(vacuumed, 2),
            "table_mib": round(
                connection.execute("SELECT pg_total_relation_size('signatures_signature')").fetchone()[0]
                / 2**20,
                1,
            ),
            "tally_query_ms": explain_ms(
                connection,
                "SELECT initiative_id, method, SUM(count) FROM signatures_signaturetally "
                "WHERE initiative_id = ANY(%s) GROUP BY initiative_id, method",
                [[initiative_id]],
            ),
            # What the count would cost if it were counted from the rows instead of the tally.
            "count_rows_query_ms": explain_ms(
                connection,
                "SELECT count(*) FROM signatures_signature WHERE initiative_id = %s AND status = 'confirmed' "
                "AND method = 'paper'",
                [initiative_id],
            ),
        }


def explain_ms(connection, query: str, params: list) -> float:
    """The server's own execution time of a query (EXPLAIN ANALYZE), the best of three."""
    times = []
    for _ in range(3):
        plan = connection.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", params).fetchone()[0]
        times.append(plan[0]["Execution Time"])
    return round(min(times), 3)


def shown_count(port: int, initiative_id: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "GET", f"/api/v1/initiatives/{initiative_id}/", headers={"Accept": "application/json"}
        )
        response = connection.getresponse()
        return json.loads(response.read())["signature_count"]
    finally:
        connection.close()


def print_tables(result: dict) -> None:
    db = result["database"]
    print(
        f"\ncount page: gunicorn {result['gunicorn']['workers']}x{result['gunicorn']['threads']}, "
        f"PostgreSQL {db['server_version']} ({'embedded' if db['embedded'] else 'DATABASE_URL'}), "
        f"{result['machine']['nproc']} CPUs, {result['requests_per_phase']} requests per phase"
    )
    rows = [
        ("signatures", "request", "c", "req/s", "p50 ms", "p95 ms", "p99 ms", "err", "CPU ms/req guni/pg")
    ]
    for size in result["sizes"]:
        for kind, phases in size["phases"].items():
            for phase in phases:
                rows.append(
                    (
                        f"{size['signatures']:,}",
                        kind,
                        str(phase["concurrency"]),
                        f"{phase['requests_per_second']:.0f}",
                        f"{phase['p50_ms']:.1f}",
                        f"{phase['p95_ms']:.1f}",
                        f"{phase['p99_ms']:.1f}",
                        str(phase["errors"]),
                        # Less sensitive than latency to other work on the machine: the cost of a request.
                        " / ".join(
                            "?" if cpu is None else f"{cpu:.1f}"
                            for cpu in (
                                phase["cpu_ms_per_request"]["gunicorn"],
                                phase["cpu_ms_per_request"]["postgres_backends"],
                            )
                        ),
                    )
                )
    print_rows(rows)
    print()
    rows = [("signatures", "insert s", "vacuum s", "table MiB", "tally query ms", "count(*) of rows ms")]
    for size in result["sizes"]:
        rows.append(
            (
                f"{size['signatures']:,}",
                f"{size['insert_seconds']:.1f}",
                f"{size['vacuum_analyze_seconds']:.1f}",
                f"{size['table_mib']:.0f}",
                f"{size['tally_query_ms']:.3f}",
                f"{size['count_rows_query_ms']:.1f}",
            )
        )
    print_rows(rows)
    if len(result["sizes"]) == 2:
        small, large = result["sizes"]
        print("\np50 with the large size over p50 with 10 signatures:")
        for kind in small["phases"]:
            ratios = [
                f"c={a['concurrency']}: {b['p50_ms'] / a['p50_ms']:.2f}"
                for a, b in zip(small["phases"][kind], large["phases"][kind], strict=True)
            ]
            print(f"  {kind}: {', '.join(ratios)}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
