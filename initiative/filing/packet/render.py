"""Render the packet in parts and put them together with its attached files (docs/law.md §The packet).

One Typst compile of a 10,000-row table takes about 800 MiB and 50,000 rows take 26 s (superlinear), so
the support list is rendered in parts of LIST_ROWS_PER_PART rows, one compile at a time, each told the
number of its first page (the pages before it are counted by then). The parts are untagged PDF/A-3b:
tags make the list about 11 times larger and do not survive merging, and PDF/A-3 is the level that allows
the attached files. The front matter (cover letter, contents, draft, committee, summary; roman page
numbers) is rendered last, because it states the other parts' page ranges and the Merkle root, and put
first in the assembled file.

Order of the arabic-numbered parts: A the support list, B the evidence of electronic signatures (only when
there are any), C the list of scans of paper sheets (the scans are attached as files), D the integrity
appendix (every record's SHA-256 and their Merkle root; also attached as integrity.json).

Each part is compiled in a short-lived process of its own (`python -c`, calling documents.typst_render):
Typst memoizes every compile in a process-wide cache that the Python binding never evicts
(messense/typst-py#104), so in one process each 2,000-row part left about 70 MiB behind and made the next
one slower: 100,000 rows took 100 s and 2 GiB. A fresh process costs about 0.1 s and gives all its memory
back. (Not multiprocessing: a Celery prefork worker is a daemonic process, which may not have children.)

The rendered parts are small (a 2,000-row part is about 200 KB) and stay in memory until assembled: they
hold personal data, so they are never written to a temporary file; they travel to and from the rendering
process through pipes.
"""

import collections
import contextlib
import dataclasses
import itertools
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse

from accounts.emails import site_link
from documents.pdf_assembly import Attachment, assemble_pdf, page_count
from documents.typst_render import RenderFailed
from initiative.filing.packet import integrity
from initiative.filing.packet.contents import (
    EN_DASH,
    METHOD_LABELS,
    SECTION_EVIDENCE,
    SECTION_INTEGRITY,
    SECTION_LIST,
    SECTION_SCANS,
    Figures,
    evidence_lines,
    front_matter,
    identification,
    list_layout,
    list_row,
    packet_front,
    packet_records,
)
from initiative.models import Packet
from municipalities.models import SignatureMethod
from signatures.selectors import filed_paper_scans, filed_signature_evidence

LIST_ROWS_PER_PART = 2000  # about 0.4 s and 100 MiB per Typst compile (docs/PERFORMANCE.md, "Packets")
EVIDENCE_PER_PART = 400
HASHES_PER_PART = 6000
STANDARD = "a-3b"
SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
PART_TIMEOUT_SECONDS = 300
# The rendering process: a request as JSON on standard input, the PDF on standard output.
_RENDER_PROCESS = """
import json, sys
from documents.typst_render import render_pdf
request = json.load(sys.stdin.buffer)
pdf = render_pdf(request["template"], request["data"], tagged=False, standard=request["standard"])
sys.stdout.buffer.write(pdf)
"""


class PhaseClock:
    """Wall time spent per phase, summed over the interleaved steps, and the process's peak resident memory
    when each phase last ended (a high-water mark: the first phase that shows the final peak reached it).
    For the benchmark and the logs."""

    def __init__(self):
        self.seconds: dict[str, float] = collections.defaultdict(float)
        self.peak_mib: dict[str, float] = {}
        self.templates: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])  # parts, seconds

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started
            self.peak_mib[phase] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def timed(self, phase: str, items: Iterable) -> Iterator:
        """Iterate `items`, counting the time spent producing each one towards `phase`."""
        iterator = iter(items)
        while True:
            with self(phase):
                item = next(iterator, _END)
            if item is _END:
                return
            yield item


_END = object()


@dataclasses.dataclass(frozen=True)
class RenderedPacket:
    data: bytes  # the assembled PDF/A-3b, not sealed yet
    records: int
    merkle_root: str


@dataclasses.dataclass
class _Body:
    """The arabic-numbered parts as they are rendered, and the page the next one starts on."""

    clock: PhaseClock
    parts: list[bytes] = dataclasses.field(default_factory=list)
    sections: list[dict] = dataclasses.field(default_factory=list)
    next_page: int = 1

    def add(self, pdf: bytes) -> None:
        self.parts.append(pdf)
        with self.clock("assemble"):  # pikepdf counts the pages
            self.next_page += page_count(pdf)

    def section(self, title: str, first_page: int) -> None:
        last = self.next_page - 1
        pages = str(first_page) if last <= first_page else f"{first_page}{EN_DASH}{last}"
        self.sections.append({"title": title, "pages": pages})


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _render(template: str, data: dict, clock: PhaseClock) -> bytes:
    started = time.perf_counter()
    with clock("render"):
        pdf = render_part(template, data)
    clock.templates[template][0] += 1
    clock.templates[template][1] += time.perf_counter() - started
    return pdf


def render_part(template: str, data: dict) -> bytes:
    """One untagged PDF/A-3b part, compiled in a process of its own (see the module's docstring)."""
    request = json.dumps(
        {"template": template, "data": data, "standard": STANDARD}, ensure_ascii=False, default=str
    )
    try:
        done = subprocess.run(  # noqa: S603  (our own interpreter and code; the data go through a pipe)
            [sys.executable, "-c", _RENDER_PROCESS],
            input=request.encode(),
            capture_output=True,
            cwd=settings.BASE_DIR,
            timeout=PART_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise RenderFailed(f"{template}: no answer in {PART_TIMEOUT_SECONDS} s") from error
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        # Typst's diagnostics may quote the data (a supporter's name): only in debug do they go with the
        # error, which Celery logs.
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] if settings.DEBUG else []
        raise RenderFailed(f"{template}: the rendering process failed ({done.returncode}) {''.join(detail)}")
    return done.stdout


def packet_render(packet: Packet, *, clock: PhaseClock | None = None) -> RenderedPacket:
    """The packet's PDF, assembled with its attachments, ready for the seal."""
    clock = clock or PhaseClock()
    initiative = packet.initiative
    ident = identification(packet)
    layout = list_layout(initiative)
    with clock("gather"):
        facts = packet_front(packet)
    body = _Body(clock)

    # A: the support list, streamed from the database a part at a time.
    hashes: list[str] = []
    listed_by_method: collections.Counter = collections.Counter()
    first = body.next_page

    def list_part(index: int, chunk: list[dict]) -> None:
        with clock("gather"):
            rows = []
            for record in chunk:
                hashes.append(integrity.record_hash(record))
                listed_by_method[record["method"]] += 1
                rows.append(list_row(record, layout))
        data = {
            "ident": ident,
            "first_page": body.next_page,
            "columns": [{"title": col["title"], "width_mm": col["width_mm"]} for col in layout.columns],
            "rows": rows,
            "running_title": f"{SECTION_LIST} {facts['council_of']} {facts['draft']['title']}",
            "heading": SECTION_LIST if index == 0 else None,
            "intro": _list_intro(facts) if index == 0 else [],
        }
        body.add(_render("packet_list.typ", data, clock))

    parts = 0
    for chunk in clock.timed("gather", _chunks(packet_records(initiative), LIST_ROWS_PER_PART)):
        list_part(parts, chunk)
        parts += 1
    if parts == 0:  # an empty list still has its heading (a supplement period may end with nothing new)
        list_part(0, [])
    body.section(SECTION_LIST, first)
    electronic = sum(count for method, count in listed_by_method.items() if method != SignatureMethod.PAPER)

    # B: the evidence of electronic signatures, read again without decrypting anything.
    if electronic:
        first = body.next_page
        entries = (
            {"number": number, "method": METHOD_LABELS.get(method, method), "lines": evidence_lines(evidence)}
            for number, method, evidence in filed_signature_evidence(initiative)
            if method != SignatureMethod.PAPER
        )
        seen = 0
        for index, chunk in enumerate(clock.timed("gather", _chunks(entries, EVIDENCE_PER_PART))):
            seen += len(chunk)
            data = {
                "ident": ident,
                "first_page": body.next_page,
                "heading": SECTION_EVIDENCE if index == 0 else None,
                "intro": _evidence_intro() if index == 0 else [],
                "entries": chunk,
            }
            body.add(_render("packet_evidence.typ", data, clock))
        if seen != electronic:  # the list is frozen once filed: a difference is a bug, not a race
            raise RuntimeError("the electronic signatures changed while the packet was rendered")
        body.section(SECTION_EVIDENCE, first)

    # C: the scans of paper sheets, attached as files and listed with their checksums.
    with clock("gather"):
        sheets = {}  # attachment name: sheet number
        files = {}  # attachment name: SHA-256, checked against the upload's by filed_paper_scans
        scans = []
        for scan in filed_paper_scans(initiative):
            name = f"arkusz-{scan.sheet_number}.{SCAN_EXTENSIONS[scan.content_type]}"
            sheets[name] = scan.sheet_number
            files[name] = scan.sha256
            scans.append(
                Attachment(
                    name=name,
                    data=scan.content,
                    mime_type=scan.content_type,
                    description=f"Skan arkusza nr {scan.sheet_number} wykazu osób popierających projekt",
                    relationship="Source",
                )
            )
    first = body.next_page
    scans_data = _scans_data(ident, body.next_page, scans, files, sheets)
    body.add(_render("packet_appendix.typ", scans_data, clock))
    body.section(SECTION_SCANS, first)

    # D: the integrity appendix.
    with clock("gather"):
        manifest = integrity.manifest(
            initiative_id=initiative.pk, version=packet.version, record_hashes=hashes, files=files
        )
        root = manifest["merkle_root"]
    first = body.next_page
    for index, chunk in enumerate(_chunks(enumerate(hashes, start=1), HASHES_PER_PART)):
        data = {
            "ident": ident,
            "first_page": body.next_page,
            "scans": None,
            "integrity": _integrity_intro(root, len(hashes)) if index == 0 else None,
            "hashes": chunk,
        }
        body.add(_render("packet_appendix.typ", data, clock))
    if not hashes:
        data = {"ident": ident, "first_page": first, "scans": None, "hashes": []}
        body.add(_render("packet_appendix.typ", {**data, "integrity": _integrity_intro(root, 0)}, clock))
    body.section(SECTION_INTEGRITY, first)

    # The front matter, now that every page range is known; it goes first.
    figures = Figures(
        records=len(hashes),
        listed_by_method=dict(listed_by_method),
        electronic=electronic,
        scans=len(scans),
        merkle_root=root,
        sections=body.sections,
        total_pages=body.next_page - 1,
        attachments=[integrity.ATTACHMENT_NAME, *files],
    )
    verify_url = site_link(reverse("packet-verify"))
    front = _render("packet_front.typ", front_matter(facts, figures, verify_url=verify_url), clock)
    with clock("assemble"):
        manifest_file = Attachment(
            name=integrity.ATTACHMENT_NAME,
            data=json.dumps(manifest, ensure_ascii=False, indent=1).encode(),
            mime_type="application/json",
            description="Załącznik integralności: skróty pozycji wykazu, korzeń Merkle, skróty plików",
            relationship="Data",
        )
        data = assemble_pdf([front, *body.parts], attachments=[manifest_file, *scans])
    return RenderedPacket(data=data, records=len(hashes), merkle_root=root)


def _list_intro(facts: dict) -> list[str]:
    legend = "; ".join(f"{item['short']} {EN_DASH} {item['label']}" for item in facts["method_legend"])
    return [
        f"Wykaz osób popierających projekt uchwały {facts['council_of']} {facts['draft']['title']}, "
        f"zawierający dane wymagane przez uchwałę rady ({facts['identifier']}). Kolejność pozycji jest "
        "kolejnością wpisu do serwisu.",
        f"Forma podpisu: {legend}. Dowód: przy podpisie na papierze numer arkusza, którego skan dołączono do "
        "dokumentu (część C); przy podpisie elektronicznym dowód jego weryfikacji w części B.",
    ]


def _evidence_intro() -> list[str]:
    return [
        "Przy każdym podpisie elektronicznym serwis sprawdził podpisany plik oświadczenia o poparciu: "
        "integralność i ważność podpisu, zaufanie do wystawcy certyfikatu, objęcie podpisem całego "
        "dokumentu oraz zgodność numeru PESEL z certyfikatu z danymi w oświadczeniu. Poniżej wynik tej "
        "weryfikacji dla każdej pozycji wykazu podpisanej elektronicznie. Plik oświadczenia, który zawiera "
        "dane osoby podpisującej, pozostaje u niej."
    ]


def _scans_data(
    ident: str, first_page: int, scans: list[Attachment], files: dict[str, str], sheets: dict[str, int]
) -> dict:
    if scans:
        intro = [
            "Skany arkuszy papierowych wykazu dołączono do niniejszego dokumentu jako pliki (PDF/A-3, "
            "pliki powiązane). Pozycje wykazu podpisane na papierze wskazują numer arkusza. Skrót SHA-256 "
            "każdego pliku zapisano także w załączniku integralności (integrity.json), objętym pieczęcią."
        ]
    else:
        intro = ["Do dokumentu nie dołączono skanów arkuszy papierowych."]
    return {
        "ident": ident,
        "first_page": first_page,
        "scans": {
            "heading": SECTION_SCANS,
            "intro": intro,
            "columns": ["Arkusz", "Plik", "Rozmiar", "SHA-256"],
            "files": [
                {
                    "sheet": sheets[attachment.name],
                    "name": attachment.name,
                    "size": f"{len(attachment.data):,} B".replace(",", "\u00a0"),
                    "sha256": files[attachment.name],
                }
                for attachment in scans
            ],
        },
        "integrity": None,
        "hashes": [],
    }


def _integrity_intro(root: str, records: int) -> dict:
    return {
        "heading": SECTION_INTEGRITY,
        "intro": [
            f"Załącznik zawiera skrót SHA-256 każdej z {records} pozycji wykazu (część A) oraz korzeń drzewa "
            "Merkle zbudowanego z tych skrótów. Te same dane, wraz ze skrótami dołączonych plików, zawiera "
            "dołączony plik integrity.json. Pieczęć elektroniczna obejmuje oba.",
        ],
        "root_label": "Korzeń drzewa Merkle (RFC 6962, SHA-256):",
        "root": root,
        "recompute_heading": "Jak samodzielnie sprawdzić skróty",
        "recompute": [
            "1. Pozycję wykazu zapisuje się jako obiekt JSON o kluczach: number (liczba porządkowa), "
            "first_names, last_name, address, birth_date albo pesel (jak w wykazie), citizenship (kod PL, "
            "EU lub UK, tylko gdy wykaz ma tę kolumnę), method (paper, qes, trusted_profile albo email), "
            "signed_on (data w formacie RRRR-MM-DD), a także sheet (numer arkusza, przy podpisie na "
            "papierze) albo evidence (dane z części B, przy podpisie elektronicznym).",
            "2. Obiekt zapisuje się w postaci kanonicznej: klucze w porządku alfabetycznym, bez spacji "
            "(separatory „,” i „:”), znaki spoza ASCII bez kodowania \\u, w UTF-8. Skrót pozycji to SHA-256 "
            "tego zapisu.",
            "3. Korzeń: liść to SHA-256 bajtu 0x00 i skrótu pozycji; węzeł to SHA-256 bajtu 0x01 i obu "
            "dzieci; pary tworzy się od lewej, a węzeł bez pary przechodzi poziom wyżej bez zmian "
            "(RFC 6962). Wynik powinien być równy korzeniowi powyżej.",
        ],
        "hashes_heading": "Skróty SHA-256 pozycji wykazu",
    }
