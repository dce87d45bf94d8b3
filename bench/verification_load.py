"""The clerk's verification screen and tools with 10,000 and 100,000 signatures: paging, filtering, a bulk
verdict, the CSV export and import.

    .venv/bin/python bench/verification_load.py [--sizes 10000,100000] [--repeat 5] [--database bench_verify]

Prepares a dedicated database (`bench_verify`) as bench/packet_build.py does (a Gliwice initiative with that
many confirmed paper signatures, really encrypted, filed), starts its verification, and in this process
(production settings, DEBUG=0) with Django's test client signed in as a clerk with a verified second factor:
- the verification screen: the first page, the last page, the unchecked rows of one form (median of
  `--repeat` requests each, and the number of SQL statements of one request);
- a bulk verdict on 10,000 rows through `verdicts_set` (one transaction);
- the CSV export of the whole list (`signatures_csv`, consumed as a download would be) and the import of
  that file back with every verdict filled in (`verdicts_import`), timed alone, then run again under
  tracemalloc for Python's peak allocation (tracemalloc slows Python several times over).
Prints a table, writes JSON to `bench/out/`, drops the database at the end. See bench/README.md.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from harness import OUT_DIR, REPO, fresh_database, machine_facts
from packet_build import child_prepare, environment


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="signatures, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page measured")
    parser.add_argument("--database", default="bench_verify", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON goes")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    machine = machine_facts()
    with fresh_database(args.database) as url:
        env = environment(url, args.out)
        # Django's test client is the browser here: its host name, and no redirect to HTTPS.
        env.update(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # pages need the manifest
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=REPO,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        os.environ.update(env)
        import django

        django.setup()
        results = [measure(int(size), args.repeat) for size in args.sizes.split(",") if size]
        from django.db import connections

        connections.close_all()
    result = {"benchmark": "verification_load", "started_at": started.isoformat(timespec="seconds")}
    result |= {"machine": machine, "sizes": results}
    for row in results:
        print(
            f"{row['signatures']:>7,} signatures: page 1 {row['first_page_ms']} ms, last page "
            f"{row['last_page_ms']} ms, filtered {row['filtered_page_ms']} ms "
            f"({row['queries_per_page']} SQL); screen {row['screen_ms']} ms; originals with a sheet missing "
            f"{row['originals_one_missing_s']} s; "
            f"10,000 verdicts {row['bulk_verdicts_s']} s; CSV export {row['csv_export_s']} s "
            f"(peak {row['csv_export_peak_mib']} MiB); import {row['csv_import_s']} s "
            f"(peak {row['csv_import_peak_mib']} MiB)"
        )
    out_file = args.out / f"verification_load-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"JSON: {out_file}")
    return 0


def measure(size: int, repeat: int) -> dict:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import ClerkMembership, User
    from initiative.clerk.originals import originals_record
    from initiative.clerk.verification import verdicts_set
    from initiative.clerk.verification_csv import signatures_csv, verdicts_import
    from initiative.lifecycle import Action
    from initiative.models import Initiative
    from municipalities.models import Unit
    from signatures.models import Signature

    prepared = child_prepare({"size": size, "scans": 0, "scan_kib": 0})
    initiative_id = prepared["initiative"]
    clerk = User.objects.create_user(email=f"clerk-{initiative_id}@example.org", password=None)
    ClerkMembership.objects.create(user=clerk, unit=Unit.objects.get(teryt="2466011"))
    device = TOTPDevice.objects.create(user=clerk, confirmed=True, name="bench")
    with transaction.atomic():
        Initiative.objects.select_for_update().get(pk=initiative_id).transition(
            Action.START_VERIFICATION, actor=clerk
        )
    # The paper originals reached the office with the filing, but for the first sheet (its rows become
    # invalid in the same transaction); then all of them: verdicts on paper rows may be given.
    begun = time.perf_counter()
    originals_record(
        initiative_id=initiative_id, clerk=clerk, received_on=timezone.localdate(), missing_sheets=[1]
    )
    originals_missing = time.perf_counter() - begun
    originals_record(
        initiative_id=initiative_id, clerk=clerk, received_on=timezone.localdate(), missing_sheets=[]
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(clerk)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    base = f"/clerk/initiatives/{initiative_id}/signatures/"
    last_page = (size + 49) // 50

    def page_ms(query: str) -> float:
        times = []
        for _ in range(repeat):
            begun = time.perf_counter()
            response = client.get(base + query)
            times.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, response.status_code
        return round(statistics.median(times), 1)

    client.get(base)  # warm-up: templates compiled, connection open
    first, last = page_ms(""), page_ms(f"?page={last_page}")
    screen = base.removesuffix("signatures/")
    client.get(screen)
    screen_times = []
    for _ in range(repeat):  # the initiative's screen, with the paper sheets counted by number
        begun = time.perf_counter()
        assert client.get(screen).status_code == 200
        screen_times.append((time.perf_counter() - begun) * 1000)
    filtered = page_ms("?verdict=unchecked&method=paper&page=2")
    with CaptureQueriesContext(connection) as queries:
        client.get(base + f"?page={last_page}")

    ids = list(
        Signature.objects.filter(initiative_id=initiative_id).order_by("pk").values_list("pk", flat=True)
    )
    begun = time.perf_counter()
    verdicts_set(
        initiative_id=initiative_id,
        clerk=clerk,
        verdicts=[{"signature": pk, "valid": True, "reason": ""} for pk in ids[:10_000]],
    )
    bulk = time.perf_counter() - begun

    initiative = Initiative.objects.get(pk=initiative_id)
    begun = time.perf_counter()
    exported = "".join(signatures_csv(initiative, clerk))
    export_seconds = time.perf_counter() - begun
    # tracemalloc slows Python several times over: the peak is taken in a second, untimed pass.
    export_peak = traced_peak(lambda: sum(1 for _line in signatures_csv(initiative, clerk)))

    lines = exported.splitlines()
    header, rows = lines[0], lines[1:]
    verdict_column = header.lstrip("\ufeff").split(";").index("verdict")
    filled = [header]
    for row in rows:
        cells = row.split(";")
        cells[verdict_column] = "ważny"
        filled.append(";".join(cells))
    file_bytes = ("\r\n".join(filled) + "\r\n").encode("utf-8")
    del exported, lines, rows, filled
    begun = time.perf_counter()
    applied = verdicts_import(initiative_id=initiative_id, clerk=clerk, file_bytes=file_bytes)
    import_seconds = time.perf_counter() - begun
    # The same file again changes nothing (the same verdicts), so the untimed pass measures the same work.
    import_peak = traced_peak(
        lambda: verdicts_import(initiative_id=initiative_id, clerk=clerk, file_bytes=file_bytes)
    )
    assert applied.valid == size, (applied.valid, size)
    return {
        "signatures": size,
        "first_page_ms": first,
        "last_page_ms": last,
        "filtered_page_ms": filtered,
        "queries_per_page": len(queries),
        "screen_ms": round(statistics.median(screen_times), 1),
        "originals_one_missing_s": round(originals_missing, 2),
        "bulk_verdicts_s": round(bulk, 2),
        "csv_export_s": round(export_seconds, 2),
        "csv_export_peak_mib": round(export_peak / 2**20, 1),
        "csv_bytes": len(file_bytes),
        "csv_import_s": round(import_seconds, 2),
        "csv_import_peak_mib": round(import_peak / 2**20, 1),
    }


def traced_peak(work) -> int:
    """Python's peak allocation (bytes) while `work` runs."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    sys.exit(main())
