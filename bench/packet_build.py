"""Build and seal the filing packet for 1,000, 10,000 and 100,000 signatures; time each phase and the peak
memory, beside one Typst compile of the same table, and validate the sealed packet.

    .venv/bin/python bench/packet_build.py [--sizes 1000,10000,100000] [--typst-alone 1000,10000,50000,100000]
                                           [--scans 0] [--scan-kib 300] [--signed-files 0]
                                           [--signed-kib 60] [--max-seconds 3600]

Prepares a dedicated database (`bench_packet`: migrations, the demo councils and legal templates), and for
each size an initiative in Gliwice with a committee of five, opened, given that many confirmed paper
signatures (bulk inserts through the ORM, so the personal fields are really encrypted) and, with
`--scans N`, the scans of its first N sheets (random bytes, so they do not compress), and with
`--signed-files N` the files of N e-signed statements kept with its first N signatures (random bytes of
`--signed-kib` each, stored encrypted as an upload's are: the packet attaches each as it was uploaded), then
filed. The
filing orders the build task; here a memory broker swallows it, and each build runs instead in a fresh
process of its own, so that its peak resident memory (`ru_maxrss`) is the build's alone:

- **build**: `initiative.filing.packet.build.packet_build` as the Celery task calls it, with the production
  settings (DEBUG=0) and a development seal made for the run: gather (database, decryption, hashes), render
  (Typst, part by part), assemble (pikepdf, the attachments included), seal (pyHanko), store (the file and
  the row), timed by bench/phase_clock.py, which wraps the build's steps in the child process;
- **validate**: in another fresh process, `documents.pades.validate_seal` and the public check
  `initiative.filing.packet.verify.packet_verify` (seal, integrity appendix, attached files, the record);
- **Typst alone**: in a fresh process each, one compile of a part as the build renders it (2,000 rows of the
  list, 6,000 hashes of the appendix: what each short-lived rendering process of the build does), then the
  largest packet's whole list (the same template and rows) in one compile for each size of
  `--typst-alone`; a size that fails or runs out of time is reported as such, which is where one compile
  stops being an option.

Prints a table and writes the figures as JSON to `bench/out/`. Drops the database at the end, also on
Ctrl-C. See bench/README.md.
"""

import argparse
import base64
import datetime
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from harness import OUT_DIR, REPO, fresh_database, machine_facts, server_facts

BATCH = 5000  # signatures per bulk insert
NAMES = ["Anna", "Zbigniew", "Łucja", "Świętosław", "Żaneta", "Grzegorz", "Ewa", "Józef"]
PASSWORD = "benchmark-password-not-secret"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="signatures per packet, comma-separated")
    parser.add_argument(
        "--typst-alone", default="1000,10000,50000,100000", help="rows of the one-compile list (0: none)"
    )
    parser.add_argument("--scans", type=int, default=0, help="scans of paper sheets attached to each packet")
    parser.add_argument("--scan-kib", type=int, default=300, help="size of each scan in KiB")
    parser.add_argument("--signed-files", type=int, default=0, help="e-signed statement files attached")
    parser.add_argument("--signed-kib", type=int, default=60, help="size of each signed file in KiB")
    parser.add_argument("--max-seconds", type=float, default=3600, help="time limit of each child process")
    parser.add_argument("--database", default="bench_packet", help="name of the throw-away database")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where the JSON goes")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--arg", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, json.loads(args.arg or "null"))

    sizes = [int(size) for size in args.sizes.split(",") if size]
    alone = [int(size) for size in args.typst_alone.split(",") if size and int(size) > 0]
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = datetime.datetime.now(datetime.UTC)
    machine = machine_facts()
    embedded = not os.environ.get("DATABASE_URL")
    with fresh_database(args.database) as url:
        env = environment(url, args.out)
        print("making a development seal for the run…", flush=True)
        env.update(run_child("seal", None, {**env, "DEBUG": "1"}, args.max_seconds))
        print("preparing the database (migrate, demo councils, templates)…", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results = []
        for size in sizes:
            print(f"{size:,} signatures: inserting and filing…", flush=True)
            prepared = run_child(
                "prepare",
                {
                    "size": size,
                    "scans": args.scans,
                    "scan_kib": args.scan_kib,
                    "signed_files": args.signed_files,
                    "signed_kib": args.signed_kib,
                },
                env,
                args.max_seconds,
            )
            print(f"{size:,} signatures: building and sealing…", flush=True)
            built = run_child("build", prepared["packet"], env, args.max_seconds)
            print(f"{size:,} signatures: validating…", flush=True)
            validated = run_child("validate", prepared["packet"], env, args.max_seconds)
            results.append({"signatures": size, "prepare": prepared, "build": built, "validate": validated})
        typst_alone = []
        largest = results[-1]["prepare"]["packet"] if results else None
        # One part of each kind as the build renders it, then the whole list in one compile.
        compiles = [("hashes", "part"), ("list", "part")] + [("list", rows) for rows in alone]
        for kind, rows in compiles if largest else []:
            print(f"Typst alone: {kind}, {rows} rows in one compile…", flush=True)
            try:
                outcome = run_child(
                    "typst-alone", {"packet": largest, "kind": kind, "rows": rows}, env, args.max_seconds
                )
            except ChildFailed as failure:
                outcome = {"kind": kind, "rows": rows, "failed": str(failure)}
            typst_alone.append(outcome)
        database = server_facts(url, embedded=embedded)
    machine["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    result = {
        "benchmark": "packet_build",
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine,
        "database": database,
        "scans_per_packet": args.scans,
        "scan_kib": args.scan_kib,
        "signed_files_per_packet": args.signed_files,
        "signed_kib": args.signed_kib,
        "sizes": results,
        "typst_alone": typst_alone,
    }
    print_tables(result)
    out_file = args.out / f"packet_build-{started:%Y%m%dT%H%M%SZ}.json"
    out_file.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out_file}")
    return 0 if all(size["validate"]["valid"] for size in results) else 1


def environment(url: str, out_dir: Path) -> dict[str, str]:
    """Production settings (DEBUG=0: no query log in memory) with fresh secrets, no broker that runs
    tasks (a memory broker keeps the build the filing orders), e-mails to nowhere."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_hex(32),
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        CELERY_BROKER_URL="memory://",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        VAR_DIR=str(out_dir / "var-packet"),
        TSA_URL="",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
        # The bench measures packets with more scans than one initiative may keep (docs/security.md
        # "Storage and mail abuse"): 1,000 scans of 300 KiB are past the default count.
        PAPER_SCANS_MAX_COUNT="100000",
        PAPER_SCANS_MAX_BYTES=str(1 << 40),
    )
    return env


class ChildFailed(Exception):
    pass


def run_child(role: str, argument, env: dict[str, str], timeout: float) -> dict:
    command = [sys.executable, __file__, "--child", role, "--arg", json.dumps(argument)]
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise ChildFailed(f"{role}: no answer in {timeout:.0f} s") from error
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise ChildFailed(f"{role}: exit {done.returncode}: {' | '.join(tail)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the children: one fresh process per measurement ---------------------------------------------------


def child(role: str, argument) -> int:
    import django

    django.setup()
    baseline = peak_mib()
    answer = {
        "seal": child_seal,
        "prepare": child_prepare,
        "build": child_build,
        "validate": child_validate,
        "typst-alone": child_typst_alone,
    }[role](argument)
    if isinstance(answer, dict) and role != "seal":
        answer["rss_after_setup_mib"] = baseline
        answer["peak_rss_mib"] = peak_mib()
    print(json.dumps(answer, ensure_ascii=False))
    return 0


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_seal(_argument) -> dict:
    """The development seal under VAR_DIR, as SEAL_* settings for the DEBUG=0 children."""
    from django.conf import settings

    from documents import seal_key

    path = seal_key.development_seal()
    return {
        "SEAL_P12_FILE": str(path),
        "SEAL_P12_PASSWORD": seal_key.DEVELOPMENT_PASSWORD.decode(),
        "SEAL_TRUST_ROOTS": str(
            Path(settings.VAR_DIR) / seal_key.DEVELOPMENT_DIRECTORY / seal_key.DEVELOPMENT_ROOT_FILE
        ),
    }


def child_prepare(argument: dict) -> dict:
    """A Gliwice initiative with `size` confirmed paper signatures (and scans), filed."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import User
    from initiative import committee, services
    from initiative.filing.submit import initiative_submit
    from initiative.models import Initiative, Packet, Role
    from initiative.tokens import invitation_token
    from legal_templates.models import LegalTemplate
    from legal_templates.services import templates_load
    from municipalities.demo import seed_municipalities
    from municipalities.models import Unit
    from signatures.models import Signature, SignatureStatus
    from signatures.paper.services import paper_scan_upload
    from signatures.signed_files import signed_file_store
    from signatures.tally import tally_add

    size = argument["size"]
    seed_municipalities()
    templates_load()
    now = timezone.now()
    run = secrets.token_hex(3)

    def person(name: str) -> User:
        return User.objects.create_user(
            email=f"{name}-{run}@example.org", password=PASSWORD, email_confirmed_at=now, full_name=name
        )

    author = person("Autor Benchmarku")
    template = LegalTemplate.objects.get(slug="nazwa-ulicy")
    version = template.versions.order_by("-version").first()
    initiative, _findings = services.initiative_create(
        author=author,
        unit=Unit.objects.get(teryt="2466011"),
        template=template,
        fields=dict(version.example),
        justification=dict(version.example_justification),
    )
    committee.committee_declare(
        initiative_id=initiative.pk,
        user=author,
        full_name="Adam Autor",
        address="ul. Zwycięstwa 1, 44-100 Gliwice",
        role=Role.REPRESENTATIVE,
    )
    for number in range(1, 5):
        member = person(f"Członek Komitetu {'ABCD'[number - 1]}")  # a name holds letters only
        invitation = committee.committee_invite(initiative_id=initiative.pk, actor=author, email=member.email)
        committee.committee_accept(
            token=invitation_token(invitation.pk),
            user=member,
            full_name=member.full_name,
            address=f"ul. Zwycięstwa {number + 1}, 44-100 Gliwice",
            role=Role.MEMBER,
        )
    services.initiative_open(initiative_id=initiative.pk, actor=author)

    started = time.perf_counter()
    today = timezone.localdate()
    batch = []
    for index in range(size):
        batch.append(
            Signature(
                initiative_id=initiative.pk,
                method="paper",
                status=SignatureStatus.CONFIRMED,
                identity_hash=secrets.token_hex(32),
                first_names=NAMES[index % len(NAMES)],
                last_name=f"Źdźbło-Wiśniewska-{index}",
                address=f"ul. Zwycięstwa {index % 400 + 1} m. {index % 60 + 1}, 44-100 Gliwice",
                birth_date=f"19{40 + index % 60:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}",
                citizenship="PL",
                signed_on=today,
                confirmed_at=now,
                entered_by=author,
                evidence={"sheet_number": 1 + index // 10},
            )
        )
        if len(batch) == BATCH:
            Signature.objects.bulk_create(batch)
            batch = []
    if batch:
        Signature.objects.bulk_create(batch)
    tally_add(initiative_id=initiative.pk, method="paper", delta=size)
    inserted = time.perf_counter() - started
    for sheet in range(1, argument["scans"] + 1):
        content = b"\xff\xd8\xff\xe0" + os.urandom(argument["scan_kib"] * 1024 - 4)  # a JPEG's first bytes
        upload = SimpleUploadedFile(f"arkusz-{sheet}.jpg", content, content_type="image/jpeg")
        paper_scan_upload(initiative_id=initiative.pk, actor=author, sheet_number=sheet, upload=upload)
    # E-signed statements: the first N rows become qualified e-signatures with their files kept (the frozen
    # rules then accept that form, as Kraków's do), so the packet lists their evidence and attaches the files.
    signed = list(Signature.objects.filter(initiative=initiative).order_by("pk")[: argument["signed_files"]])
    if signed:
        initiative.refresh_from_db()  # the rules frozen at opening
        rules = {**initiative.rules, "signature_methods": [*initiative.rules["signature_methods"], "qes"]}
        Initiative.objects.filter(pk=initiative.pk).update(rules=rules)
        Signature.objects.filter(pk__in=[signature.pk for signature in signed]).update(
            method="qes", entered_by=None, evidence={"format": "PAdES", "summary": "bench"}
        )
        tally_add(initiative_id=initiative.pk, method="paper", delta=-len(signed))
        tally_add(initiative_id=initiative.pk, method="qes", delta=len(signed))
    for signature in signed:
        content = b"%PDF-1.7\n" + os.urandom(argument["signed_kib"] * 1024 - 9)
        signed_file_store(signature, content, "application/pdf")
    initiative_submit(initiative_id=initiative.pk, actor=author)
    packet = Packet.objects.get(initiative=initiative)
    return {"initiative": initiative.pk, "packet": packet.pk, "insert_seconds": round(inserted, 2)}


def child_build(packet_id: int) -> dict:
    from phase_clock import PhaseClock

    from initiative.filing.packet.build import packet_build
    from initiative.models import Packet

    clock = PhaseClock()
    clock.instrument()
    started = time.perf_counter()
    packet_build(packet_id)
    wall = time.perf_counter() - started
    build_peak = peak_mib()  # before reading the stored file back below, which is not the build's
    packet = Packet.objects.get(pk=packet_id)
    from documents.pdf_assembly import page_count
    from initiative.filing.packet.storage import packet_file_read

    pages = page_count(packet_file_read(packet))
    return {
        "status": packet.status,
        "records": packet.records,
        "pages": pages,
        "size_bytes": packet.size_bytes,
        "wall_seconds": round(wall, 2),
        "phases": {phase: round(seconds, 2) for phase, seconds in clock.seconds.items()},
        "build_peak_rss_mib": build_peak,
        "peak_rss_mib_at_end_of": {phase: round(mib) for phase, mib in clock.peak_mib.items()},
        "render_by_template": {
            template: {"parts": parts, "seconds": round(seconds, 2)}
            for template, (parts, seconds) in clock.templates.items()
        },
    }


def child_validate(packet_id: int) -> dict:
    from documents.pades import validate_seal
    from initiative.filing.packet.storage import packet_file_read
    from initiative.filing.packet.verify import packet_verify
    from initiative.models import Packet

    packet = Packet.objects.get(pk=packet_id)
    data = packet_file_read(packet)
    started = time.perf_counter()
    seal = validate_seal(data)
    seal_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = packet_verify(data)
    verify_seconds = time.perf_counter() - started
    return {
        "seal_accepted": seal.accepted,
        "valid": report.valid and seal.accepted,
        "problems": [problem.code for problem in report.problems],
        "validate_seal_seconds": round(seal_seconds, 2),
        "packet_verify_seconds": round(verify_seconds, 2),
    }


def child_typst_alone(argument: dict) -> dict:
    """One Typst compile, in this process, of the largest packet's first rows: the support list ("list") or
    the integrity appendix's hashes ("hashes"); `rows` "part" is the size the build renders at a time."""
    import itertools

    from documents.typst_render import render_pdf
    from initiative.filing.packet import integrity
    from initiative.filing.packet.facts import list_layout, packet_facts, packet_records
    from initiative.filing.packet.part_process import STANDARD
    from initiative.filing.packet.parts import HASHES_PER_PART, LIST_ROWS_PER_PART, list_piece
    from initiative.filing.packet.wording import identification, list_row
    from initiative.models import Packet

    packet = Packet.objects.select_related("initiative__municipality").get(pk=argument["packet"])
    kind, rows = argument["kind"], argument["rows"]
    if rows == "part":
        rows = LIST_ROWS_PER_PART if kind == "list" else HASHES_PER_PART
    layout = list_layout(packet.initiative)
    records = list(itertools.islice(packet_records(packet.initiative), rows))
    data = {"ident": identification(packet.initiative_id, packet.version), "first_page": 1}
    if kind == "list":
        template = "packet_list.typ"
        rows = [list_row(record, layout) for record in records]
        data.update(list_piece(packet_facts(packet), layout, rows, opens_part=False))
    else:
        template = "packet_appendix.typ"
        hashes = [integrity.record_hash(record) for record in records]
        data.update(scans=None, integrity=None, hashes=list(enumerate(hashes, start=1)))
    del records
    before = peak_mib()
    started = time.perf_counter()
    pdf = render_pdf(template, data, tagged=False, standard=STANDARD)
    seconds = time.perf_counter() - started
    return {
        "kind": kind,
        "rows": len(data.get("rows") or data.get("hashes")),
        "seconds": round(seconds, 2),
        "bytes": len(pdf),
        "peak_before_compile_mib": before,
    }


# -- the report -----------------------------------------------------------------------------------------


def print_tables(result: dict) -> None:
    print("\nbuild and seal (fresh process per size)")
    header = [
        "signatures",
        "pages",
        "MiB",
        "gather",
        "render",
        "assemble",
        "seal",
        "store",
        "total",
        "peak RSS",
    ]
    print(" | ".join(header))
    for size in result["sizes"]:
        build = size["build"]
        phases = build["phases"]
        print(
            " | ".join(
                [
                    f"{size['signatures']:,}",
                    str(build["pages"]),
                    f"{build['size_bytes'] / 1048576:.1f}",
                    *(
                        f"{phases.get(phase, 0):.2f} s"
                        for phase in ("gather", "render", "assemble", "seal", "store")
                    ),
                    f"{build['wall_seconds']:.2f} s",
                    f"{build['build_peak_rss_mib']:.0f} MiB",
                ]
            )
        )
        marks = ", ".join(f"{phase} {mib} MiB" for phase, mib in build["peak_rss_mib_at_end_of"].items())
        print(f"  peak when each phase last ended: {marks}")
    print("\nvalidation of the sealed packet (fresh process)")
    for size in result["sizes"]:
        check = size["validate"]
        print(
            f"{size['signatures']:,}: validate_seal {check['validate_seal_seconds']:.2f} s, "
            f"packet_verify {check['packet_verify_seconds']:.2f} s, valid {check['valid']}, "
            f"peak RSS {check['peak_rss_mib']:.0f} MiB"
        )
    if result["typst_alone"]:
        print("\none Typst compile in a fresh process (Django set up: see rss_after_setup_mib)")
        for outcome in result["typst_alone"]:
            if "failed" in outcome:
                print(f"{outcome['kind']}, {outcome['rows']} rows: did not finish ({outcome['failed']})")
            else:
                seconds, peak, base = (
                    outcome["seconds"],
                    outcome["peak_rss_mib"],
                    outcome["rss_after_setup_mib"],
                )
                print(
                    f"{outcome['kind']}, {outcome['rows']:,} rows: {seconds:.2f} s, "
                    f"peak RSS {peak:.0f} MiB ({base:.0f} MiB before)"
                )


if __name__ == "__main__":
    sys.exit(main())
