"""One renderer per part of the packet (docs/law.md §The packet); initiative.filing.packet.render lists them
in order and assembles the file.

The arabic-numbered parts: A the support list, B the evidence of electronic signatures (only when there are
any), C the list of scans of paper sheets (the scans are attached as files), D the integrity appendix
(every record's SHA-256 and their Merkle root; also attached as integrity.json). The front matter (cover
letter, contents, draft, committee, summary; roman page numbers) is rendered last, because it states the
other parts' page ranges and the Merkle root, and is put first in the assembled file.

A long part is rendered in pieces of a few thousand rows, one compile each (initiative.filing.packet.
part_process), each told the number of its first page; its first piece carries the heading. Each renderer
takes the facts, streams what the database holds, and leaves what later parts need (the records' hashes,
the attached files) in the `PacketRendering` they share.
"""

import collections
import dataclasses
import json

from django.urls import reverse

from accounts.emails import site_link
from documents.pdf_assembly import Attachment
from initiative.filing.packet import integrity, part_process, wording
from initiative.filing.packet.facts import (
    Figures,
    ListLayout,
    PacketFacts,
    electronic_evidence,
    packet_records,
)
from initiative.filing.packet.part_process import Body, chunks
from initiative.models import Packet
from municipalities.models import SignatureMethod
from signatures.selectors import filed_paper_scans, filed_signed_files

LIST_ROWS_PER_PART = 2000  # about 0.4 s and 100 MiB per Typst compile (docs/PERFORMANCE.md, "Packets")
EVIDENCE_PER_PART = 400
HASHES_PER_PART = 6000
SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SIGNED_EXTENSIONS = {"application/pdf": "pdf", "application/xml": "xml"}


@dataclasses.dataclass
class PacketRendering:
    """What the parts share while one packet is rendered."""

    packet: Packet
    facts: PacketFacts
    layout: ListLayout
    body: Body = dataclasses.field(default_factory=Body)
    hashes: list[str] = dataclasses.field(default_factory=list)  # of each record, in list order (part A)
    listed_by_method: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # attached file name: SHA-256 (part C)
    scans: list[Attachment] = dataclasses.field(default_factory=list)  # the attached scans (part C)
    # The files supporters signed electronically, as uploaded (part B): the office validates them itself.
    signed: list[Attachment] = dataclasses.field(default_factory=list)
    manifest: dict = dataclasses.field(default_factory=dict)  # integrity.json (part D)
    front: bytes = b""  # the front matter's PDF

    @property
    def ident(self) -> str:
        return wording.identification(self.facts.initiative_id, self.facts.version)

    @property
    def electronic(self) -> int:
        """Records signed electronically, as listed."""
        return sum(
            count for method, count in self.listed_by_method.items() if method != SignatureMethod.PAPER
        )


def list_piece(facts: PacketFacts, layout: ListLayout, rows: list[list[str]], *, opens_part: bool) -> dict:
    """The data of documents/typst/packet_list.typ for printed rows (wording.list_row)."""
    return {
        "ident": wording.identification(facts.initiative_id, facts.version),
        "columns": layout.keys,
        "rows": rows,
        "council_of": facts.council_of,
        "title": facts.draft["title"],
        "intro": (
            {
                "identifier": wording.identifier_label(facts),
                "legend": wording.method_legend(facts.accepted_methods),
            }
            if opens_part
            else None
        ),
    }


def support_list(rendering: PacketRendering) -> None:
    """Part A: the support list, streamed from the database a piece at a time; hashes each record."""
    body, first = rendering.body, rendering.body.next_page
    pieces = 0
    for chunk in chunks(packet_records(rendering.packet.initiative), LIST_ROWS_PER_PART):
        rows = []
        for record in chunk:
            rendering.hashes.append(integrity.record_hash(record))
            rendering.listed_by_method[record["method"]] += 1
            rows.append(wording.list_row(record, rendering.layout))
        body.add(
            "packet_list.typ", list_piece(rendering.facts, rendering.layout, rows, opens_part=pieces == 0)
        )
        pieces += 1
    if pieces == 0:  # an empty list still has its heading (a supplement period may end with nothing new)
        body.add("packet_list.typ", list_piece(rendering.facts, rendering.layout, [], opens_part=True))
    body.part_ended("list", first)


def evidence_lines(evidence: dict | None) -> list[list[str]]:
    """An electronic signature's validation evidence as (name, value) lines, keys in order, values as the
    record holds them (text as is, anything else in JSON: true, false, null), so the record can be
    recomputed from the print."""
    return [
        [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
        for key, value in sorted((evidence or {}).items())
    ]


def signature_evidence(rendering: PacketRendering) -> None:
    """Part B: the evidence of electronic signatures, read again without decrypting anything; none when the
    list has no electronic signature."""
    electronic = rendering.electronic
    if not electronic:
        return
    body, first = rendering.body, rendering.body.next_page
    entries = (
        {
            "number": number,
            "method": wording.METHOD_LABELS.get(method, method),
            "lines": evidence_lines(evidence),
        }
        for number, method, evidence in electronic_evidence(rendering.packet.initiative)
    )
    seen = 0
    for index, chunk in enumerate(chunks(entries, EVIDENCE_PER_PART)):
        seen += len(chunk)
        body.add(
            "packet_evidence.typ", {"ident": rendering.ident, "opens_part": index == 0, "entries": chunk}
        )
    if seen != electronic:  # the list is frozen once filed: a difference is a bug, not a race
        raise RuntimeError("the electronic signatures changed while the packet was rendered")
    body.part_ended("evidence", first)
    signed_files(rendering)


def _source_file(
    rendering: PacketRendering, name: str, sha256: str, content: bytes, mime_type: str, description: str
):
    """A file attached as it was uploaded (a scan, a signed statement), listed with its checksum in
    integrity.json."""
    rendering.files[name] = sha256
    return Attachment(
        name=name, data=content, mime_type=mime_type, description=description, relationship="Source"
    )


def signed_files(rendering: PacketRendering) -> None:
    """Attach every file an electronic signature came in, as the supporter uploaded it, named by its list
    position; its SHA-256 is in the evidence printed in part B and in integrity.json."""
    for filed in filed_signed_files(rendering.packet.initiative):
        name = f"poparcie-{filed.position}.{SIGNED_EXTENSIONS.get(filed.content_type, 'bin')}"
        description = wording.signed_file_description(filed.position)
        rendering.signed.append(
            _source_file(rendering, name, filed.sha256, filed.content, filed.content_type, description)
        )


def paper_scans(rendering: PacketRendering) -> None:
    """Part C: the paper sheets whose originals go to the office (by number, with their rows), and their
    scans, attached as files and listed with their checksums."""
    sheets = {}  # attachment name: sheet number
    for scan in filed_paper_scans(rendering.packet.initiative):
        name = f"arkusz-{scan.sheet_number}.{SCAN_EXTENSIONS[scan.content_type]}"
        sheets[name] = scan.sheet_number
        description = wording.scan_description(scan.sheet_number)
        # The checksum is checked against the upload's by filed_paper_scans.
        rendering.scans.append(
            _source_file(rendering, name, scan.sha256, scan.content, scan.content_type, description)
        )
    files = [
        {
            "sheet": sheets[attachment.name],
            "name": attachment.name,
            "size": f"{len(attachment.data):,} B".replace(",", "\u00a0"),
            "sha256": rendering.files[attachment.name],
        }
        for attachment in rendering.scans
    ]
    scanned = set(sheets.values())
    originals = [
        {"number": sheet.number, "rows": sheet.rows, "scan": sheet.number in scanned}
        for sheet in rendering.facts.paper_sheets
    ]
    first = rendering.body.next_page
    data = {
        "ident": rendering.ident,
        "scans": {"files": files, "originals": originals},
        "integrity": None,
        "hashes": [],
    }
    rendering.body.add("packet_appendix.typ", data)
    rendering.body.part_ended("scans", first)


def integrity_appendix(rendering: PacketRendering) -> None:
    """Part D: every record's SHA-256 and their Merkle root; the same with the files' in integrity.json."""
    packet, hashes = rendering.packet, rendering.hashes
    rendering.manifest = integrity.manifest(
        initiative_id=packet.initiative_id,
        version=packet.version,
        record_hashes=hashes,
        files=rendering.files,
    )
    explained = {"records": len(hashes), "root": rendering.manifest["merkle_root"]}
    first = rendering.body.next_page
    for index, chunk in enumerate(chunks(enumerate(hashes, start=1), HASHES_PER_PART)):
        data = {"ident": rendering.ident, "scans": None, "integrity": explained if index == 0 else None}
        rendering.body.add("packet_appendix.typ", {**data, "hashes": chunk})
    if not hashes:
        rendering.body.add(
            "packet_appendix.typ",
            {"ident": rendering.ident, "scans": None, "integrity": explained, "hashes": []},
        )
    rendering.body.part_ended("integrity", first)


def front_matter(rendering: PacketRendering) -> None:
    """The front matter, rendered once every page range is known; it goes first in the file."""
    body = rendering.body
    figures = Figures(
        records=len(rendering.hashes),
        listed_by_method=dict(rendering.listed_by_method),
        electronic=rendering.electronic,
        scans=len(rendering.scans),
        signed_files=len(rendering.signed),
        merkle_root=rendering.manifest["merkle_root"],
        pages=dict(body.pages),
        total_pages=body.next_page - 1,
        attachments=[integrity.ATTACHMENT_NAME, *rendering.files],
    )
    verify_url = site_link(reverse("packet-verify"))
    rendering.front = part_process.render_part(
        "packet_front.typ", wording.front_matter(rendering.facts, figures, verify_url=verify_url)
    )
