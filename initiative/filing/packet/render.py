"""Render the packet part by part and put the parts together with its attached files (docs/law.md §The
packet).

One Typst compile of a 10,000-row table takes about 800 MiB and 50,000 rows take 26 s (superlinear), so
a long part is rendered in pieces, one compile at a time in a process of its own
(initiative.filing.packet.part_process), each told the number of its first page (the pages before it are
counted by then). What each part shows and how: initiative.filing.packet.parts; the facts it states:
.facts; their Polish wording: .wording and the templates documents/typst/packet_*.typ.
"""

import dataclasses
import json
from collections.abc import Callable

from documents.pdf_assembly import Attachment, assemble_pdf
from initiative.filing.packet import integrity, parts, wording
from initiative.filing.packet.facts import list_layout, packet_facts
from initiative.models import Packet

# The parts in the order they are rendered: A the support list, B the evidence of electronic signatures,
# C the scans of paper sheets, D the integrity appendix (a later part may use what an earlier one left:
# D hashes the records A listed, and the files C attached), then the front matter, which states their page
# ranges and goes first in the file. Adding a part: add it here.
PARTS: tuple[Callable[[parts.PacketRendering], None], ...] = (
    parts.support_list,
    parts.signature_evidence,
    parts.paper_scans,
    parts.integrity_appendix,
    parts.front_matter,
)


@dataclasses.dataclass(frozen=True)
class RenderedPacket:
    data: bytes  # the assembled PDF/A-3b, not sealed yet
    records: int
    merkle_root: str


def packet_render(packet: Packet) -> RenderedPacket:
    """The packet's PDF, assembled with its attachments, ready for the seal."""
    rendering = parts.PacketRendering(
        packet=packet, facts=packet_facts(packet), layout=list_layout(packet.initiative)
    )
    for render_part in PARTS:
        render_part(rendering)
    return RenderedPacket(
        data=packet_assemble(rendering),
        records=len(rendering.hashes),
        merkle_root=rendering.manifest["merkle_root"],
    )


def packet_assemble(rendering: parts.PacketRendering) -> bytes:
    """The front matter first, then the arabic-numbered parts, with integrity.json, the electronically
    signed files and the scans attached."""
    manifest_file = Attachment(
        name=integrity.ATTACHMENT_NAME,
        data=json.dumps(rendering.manifest, ensure_ascii=False, indent=1).encode(),
        mime_type="application/json",
        description=wording.INTEGRITY_DESCRIPTION,
        relationship="Data",
    )
    return assemble_pdf(
        [rendering.front, *rendering.body.parts],
        attachments=[manifest_file, *rendering.signed, *rendering.scans],
    )
