"""Time the TERC import on the full GUS list: a cold run that creates every unit, then an idempotent one.

    .venv/bin/python bench/import_terc.py [TERC_FILE] [--repeat N]

Runs Django in this process against a dedicated database (`bench_import`, created fresh and dropped at
the end) on the server of DATABASE_URL, or on the embedded server when DATABASE_URL is unset.
See bench/README.md for what each figure means.
"""

import argparse
import base64
import datetime
import gc
import json
import os
import resource
import secrets
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from harness import DEFAULT_TERC, OUT_DIR, fresh_database, machine_facts, server_facts

EXPECTED = {"wojewodztwo": 16, "powiat": 380, "gmina": 2477}
EXPECTED_TOTAL = sum(EXPECTED.values())


def rss_mib() -> float | None:
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("terc_file", nargs="?", type=Path, default=DEFAULT_TERC, help="GUS TERC CSV")
    parser.add_argument("--repeat", type=int, default=3, help="timed cold+idempotent pairs (default 3)")
    parser.add_argument("--database", default="bench_import", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON goes")
    args = parser.parse_args()
    terc_file = args.terc_file.resolve()
    if not terc_file.is_file():
        parser.error(f"no TERC file at {terc_file}; pass its path as the first argument")

    started = datetime.datetime.now(datetime.UTC)
    embedded = not os.environ.get("DATABASE_URL")
    with fresh_database(args.database) as url:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        # DEBUG=1 would make Django keep every query in memory: that is not what production runs.
        os.environ["DEBUG"] = "0"
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
        os.environ.setdefault("FIELD_ENCRYPTION_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode())
        result = run(terc_file, args.repeat, url)
        result["database"] = server_facts(url, embedded=embedded)
    result["started_at"] = started.isoformat(timespec="seconds")
    result["machine"] = machine_facts()

    print_table(result)
    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / f"import_terc-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}")
    return 0 if result["verified"] else 1


def run(terc_file: Path, repeat: int, url: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from municipalities.models import Unit
    from municipalities.teryt_import import read_terc, terc_import

    def counts() -> dict[str, int]:
        return dict(Unit.objects.order_by().values_list("level").annotate(n=Count("pk")))

    def empty_units() -> None:
        # New, empty files for the tables, as in a fresh database; identities restart too.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Unit._meta.db_table} RESTART IDENTITY CASCADE")

    def timed(label: str):
        gc.collect()
        start = time.perf_counter()
        report = terc_import(terc_file)
        seconds = time.perf_counter() - start
        return {"run": label, "seconds": round(seconds, 4), "report": report}

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - start

    start = time.perf_counter()
    parsed = read_terc(terc_file)
    parse_seconds = time.perf_counter() - start

    rss_before = rss_mib()
    peak_before = peak_rss_mib()
    cold, warm, problems = [], [], []
    peak_after_cold = peak_after_warm = None
    for index in range(repeat):
        if index:
            empty_units()
        first = timed("cold")
        peak_after_cold = max(peak_after_cold or 0, peak_rss_mib())
        if first["report"].created != EXPECTED or counts() != EXPECTED:
            problems.append(f"cold run {index + 1}: created {first['report'].created}, in db {counts()}")
        second = timed("idempotent")
        peak_after_warm = peak_rss_mib()
        report = second["report"]
        if any(report.created.values()) or report.updated or report.unchanged != EXPECTED_TOTAL:
            problems.append(f"idempotent run {index + 1} wrote something: {report}")
        cold.append(first["seconds"])
        warm.append(second["seconds"])

    # One more pair, traced: Python's own peak allocation and the number of SQL statements per run.
    empty_units()
    traced = {}
    for label in ("cold", "idempotent"):
        gc.collect()
        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            terc_import(terc_file)
        traced[label] = {
            "python_peak_mib": round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
            "sql_statements": len(queries),
        }
        tracemalloc.stop()
    final_counts = counts()
    if final_counts != EXPECTED:
        problems.append(f"after the traced pass: {final_counts}")

    return {
        "benchmark": "import_terc",
        "terc_file": terc_file.name,
        "entries_in_file": len(parsed),
        "migrate_seconds": round(migrate_seconds, 2),
        "parse_only_seconds": round(parse_seconds, 4),
        "repeat": repeat,
        "cold_seconds": cold,
        "idempotent_seconds": warm,
        "cold_median_seconds": round(statistics.median(cold), 4),
        "idempotent_median_seconds": round(statistics.median(warm), 4),
        "rss_before_import_mib": rss_before,
        "peak_rss_before_import_mib": peak_before,
        "peak_rss_after_cold_mib": peak_after_cold,
        "peak_rss_after_idempotent_mib": peak_after_warm,
        "traced": traced,
        "counts": final_counts,
        "verified": not problems,
        "problems": problems,
    }


def print_table(result: dict) -> None:
    db = result["database"]
    where = "embedded" if db["embedded"] else "DATABASE_URL"
    print(f"TERC import: {result['terc_file']}, {result['entries_in_file']} units")
    print(f"PostgreSQL {db['server_version']} ({where}); {result['machine']['nproc']} CPUs")
    print(
        f"migrate: {result['migrate_seconds']} s; parsing the file alone: {result['parse_only_seconds']} s\n"
    )
    rows = [
        ("run", "median s", "all runs (s)", "Python peak MiB", "SQL stmts"),
        (
            "cold (creates all)",
            f"{result['cold_median_seconds']:.3f}",
            ", ".join(f"{s:.3f}" for s in result["cold_seconds"]),
            str(result["traced"]["cold"]["python_peak_mib"]),
            str(result["traced"]["cold"]["sql_statements"]),
        ),
        (
            "idempotent (no writes)",
            f"{result['idempotent_median_seconds']:.3f}",
            ", ".join(f"{s:.3f}" for s in result["idempotent_seconds"]),
            str(result["traced"]["idempotent"]["python_peak_mib"]),
            str(result["traced"]["idempotent"]["sql_statements"]),
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    print(
        f"\nprocess RSS before the first import: {result['rss_before_import_mib']} MiB; "
        f"peak RSS after cold: {result['peak_rss_after_cold_mib']} MiB, "
        f"after idempotent: {result['peak_rss_after_idempotent_mib']} MiB"
    )
    verdict = "OK" if result["verified"] else "FAILED: " + "; ".join(result["problems"])
    print(f"counts {result['counts']}: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
