"""What the packet states (docs/law.md §The packet), gathered from the database as plain data; the Polish
wording around these facts lives in initiative.filing.packet.wording and the Typst templates.

Signatures are read only through signatures' selectors, streamed, so a list of 100,000 never sits in memory
as model objects.

A *record* is one row of the support list as the packet holds it: its position, the columns the frozen
local rules require, the form of signature, the day of signing and the evidence (the sheet number for
paper, the validation summary for electronic signatures). The integrity appendix lists the SHA-256 of
each record's canonical JSON (initiative.filing.packet.integrity) and their Merkle root, so anyone holding the
printed list can recompute both.
"""

import dataclasses
import datetime
from collections.abc import Iterator

from initiative.contact import Contact, committee_contact
from initiative.models import CommitteeMember, Initiative, Packet, Role
from initiative.services import initiative_draft
from legal_templates.organ_names import council_chair, council_genitive
from municipalities.levels import Level
from municipalities.models import SignatureMethod
from municipalities.statutes import Statute, statute_of
from signatures.selectors import (
    FiledSignature,
    PaperSheet,
    filed_signature_evidence,
    filed_signatures,
    paper_sheets,
    support_count,
    support_list_asks_citizenship,
    withdrawn_since_filed,
)

ROLE_ORDER = {Role.REPRESENTATIVE: 0, Role.DEPUTY: 1, Role.MEMBER: 2}


@dataclasses.dataclass(frozen=True)
class ListLayout:
    """The columns of the support list under the initiative's frozen rules (art. 41a ust. 5 u.s.g.)."""

    identifier: str  # "birth_date" or "pesel"
    citizenship: bool

    @property
    def keys(self) -> list[str]:
        """The columns in print order, by their key in a record (packet_list.typ gives their titles)."""
        keys = [
            "number",
            "first_names",
            "last_name",
            "address",
            "pesel" if self.identifier == "pesel" else "birth_date",
        ]
        if self.citizenship:
            keys.append("citizenship")
        return [*keys, "method", "signed_on", "evidence"]


def list_layout(initiative: Initiative) -> ListLayout:
    return ListLayout(
        identifier=initiative.rules["identifier"], citizenship=support_list_asks_citizenship(initiative)
    )


def packet_record(position: int, signature: FiledSignature, layout: ListLayout) -> dict:
    """One row of the list as data: only the columns the rules require (data minimisation), dates in ISO
    8601, the form as its code, and the evidence (no personal data in it)."""
    record: dict = {
        "number": position,
        "first_names": signature.first_names,
        "last_name": signature.last_name,
        "address": signature.address,
    }
    if layout.identifier == "pesel":
        record["pesel"] = signature.pesel
    else:
        record["birth_date"] = signature.birth_date
    if layout.citizenship:
        record["citizenship"] = signature.citizenship
    record["method"] = signature.method
    record["signed_on"] = signature.signed_on.isoformat()
    evidence = signature.evidence or {}
    if signature.method == SignatureMethod.PAPER:
        record["sheet"] = evidence.get("sheet_number")
    else:
        record["evidence"] = evidence
    return record


def packet_records(initiative: Initiative) -> Iterator[dict]:
    """The records of the support list, in list order, streamed."""
    layout = list_layout(initiative)
    for position, signature in enumerate(filed_signatures(initiative), start=1):
        yield packet_record(position, signature, layout)


def electronic_evidence(initiative: Initiative) -> Iterator[tuple[int, str, dict | None]]:
    """(position on the list, form, validation evidence) of each electronic signature, in list order, read
    without decrypting anything."""
    for number, method, evidence in filed_signature_evidence(initiative):
        if method != SignatureMethod.PAPER:
            yield number, method, evidence


@dataclasses.dataclass(frozen=True)
class Member:
    full_name: str
    address: str
    role: str  # a Role
    declared_at: datetime.datetime


@dataclasses.dataclass(frozen=True)
class PacketFacts:
    """Everything the packet states that the database holds: who files what with which council, under which
    rules, and the counts at filing. The rendering adds Figures."""

    initiative_id: int
    version: int
    council: str  # "Rada Miasta Gliwice"
    council_of: str  # its genitive, "Rady Miasta Gliwice"
    chair: str  # "Przewodniczący Rady Miasta Gliwice"
    teryt: str
    level: Level
    statute: Statute
    resolution: str  # the council's resolution on initiatives frozen at opening ("" where it adopted none)
    resolution_adopted_on: datetime.date | str | None
    resolution_title: str  # "w sprawie …", where the rules record it ("" otherwise)
    committee: list[Member]  # who declared and has not left: representative, deputy, members
    contact: Contact  # the committee's name and where the office writes to it (art. 41a ust. 4)
    draft: dict  # the draft as the front matter prints it
    submitted_at: datetime.datetime | None
    opened_at: datetime.datetime | None
    received_on: datetime.date | None  # by the council's office, as its clerk recorded
    consideration_deadline: datetime.date | None
    supplement_requested_at: datetime.datetime | None
    threshold: int
    population: int | None
    population_as_of: datetime.date | None
    population_source: str
    identifier: str  # "birth_date" or "pesel"
    accepted_methods: list[str]  # the SignatureMethods the rules accept, in their order
    counted_by_method: dict[str, int]  # the confirmed signatures the tally counted at filing
    counted: int
    paper_sheets: list[PaperSheet]  # the sheets the paper rows came from: the originals the office receives
    # In a later version: the positions, in the version before, of the supporters who withdrew since.
    withdrawn_since_previous: list[int] = dataclasses.field(default_factory=list)

    def member_named(self, role: str) -> str:
        """The name of the (last listed) member in `role`, "" when nobody holds it."""
        names = [member.full_name for member in self.committee if member.role == role]
        return names[-1] if names else ""


def _committee(initiative: Initiative) -> list[Member]:
    members = CommitteeMember.objects.filter(
        initiative=initiative, left_at__isnull=True, declared_at__isnull=False
    )
    ordered = sorted(
        members, key=lambda member: (ROLE_ORDER.get(member.role, 9), member.joined_at, member.pk)
    )
    return [
        Member(
            full_name=member.full_name,
            address=member.address,
            role=member.role,
            declared_at=member.declared_at,
        )
        for member in ordered
    ]


def _draft(initiative: Initiative) -> dict:
    draft = initiative_draft(initiative)
    return {
        "mark": draft.heading[0],
        "heading": list(draft.heading[1:]),
        "title": draft.title,
        "basis": draft.basis,
        "paragraphs": [
            {"label": paragraph.label, "lines": list(paragraph.lines)}
            for paragraph in draft.numbered_paragraphs
        ],
        "justification": [
            {"heading": section.heading, "text": section.text} for section in draft.justification.sections
        ],
    }


def withdrawn_from_version(initiative: Initiative, version: int) -> list[int]:
    """The positions, in packet `version`, of the supporters who withdrew after it was filed (during a
    supplement period); empty for version 0 or a version that does not exist."""
    filed = initiative.packets.filter(version=version).values_list("created_at", flat=True).first()
    return withdrawn_since_filed(initiative, filed) if filed else []


def packet_facts(packet: Packet) -> PacketFacts:
    initiative = packet.initiative
    unit = initiative.municipality
    rules = initiative.rules
    counts = support_count(initiative)
    return PacketFacts(
        initiative_id=initiative.pk,
        version=packet.version,
        council=unit.council_name,
        council_of=council_genitive(unit.council_name),
        chair=council_chair(unit).nominative,
        teryt=unit.teryt,
        level=Level(unit.level),
        statute=statute_of(unit.level),
        resolution=rules.get("resolution") or "",
        resolution_adopted_on=rules.get("adopted_on"),
        resolution_title=rules.get("title") or "",
        committee=_committee(initiative),
        contact=committee_contact(initiative),
        draft=_draft(initiative),
        submitted_at=initiative.submitted_at,
        opened_at=initiative.opened_at,
        received_on=initiative.received_on,
        consideration_deadline=initiative.consideration_deadline,
        supplement_requested_at=initiative.supplement_requested_at,
        threshold=initiative.signature_threshold,
        population=initiative.population_used,
        population_as_of=initiative.population_as_of_used,
        population_source=initiative.population_source_used,
        identifier=rules["identifier"],
        accepted_methods=list(rules["signature_methods"]),
        counted_by_method=dict(counts.by_method),
        counted=counts.counted,
        paper_sheets=paper_sheets(initiative),
        withdrawn_since_previous=withdrawn_from_version(initiative, packet.version - 1),
    )


@dataclasses.dataclass(frozen=True)
class Figures:
    """What only the rendering knows: the list as rendered, the parts' pages, the attached files."""

    records: int
    listed_by_method: dict[str, int]
    electronic: int  # records signed electronically (part B)
    scans: int  # scans attached (part C)
    signed_files: int  # files of electronic signatures attached (part B)
    merkle_root: str
    pages: dict[str, str]  # the page range of each arabic-numbered part, by its key ("list", ...)
    total_pages: int  # arabic pages, parts A-D
    attachments: list[str]  # names of the files attached to the document
