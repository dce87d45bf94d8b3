"""What the packet shows (docs/law.md §The packet), gathered from the database as plain data for the Typst
templates.

The packet is a document for the council, so its text is Polish whatever language anybody reads the site
in (as the paper sheets are, signatures.paper.services). Signatures are read only through signatures'
selectors,
streamed, so a list of 100,000 never sits in memory as model objects.

A *record* is one row of the support list as the packet prints it: its position, the columns the frozen
local rules require, the form of signature, the day of signing and the evidence (the sheet number for
paper, the validation summary for electronic signatures). The integrity appendix lists the SHA-256 of
each record's canonical JSON (initiative.filing.packet.integrity) and their Merkle root, so anyone holding the
printed list can recompute both.
"""

import dataclasses
import functools
import json
from collections.abc import Iterator

from initiative.models import CommitteeMember, Initiative, Packet, Role
from initiative.services import initiative_draft
from legal_templates.organ_names import council_chair, council_genitive
from legal_templates.rendering import format_integer, polish_date
from municipalities.levels import Level
from municipalities.models import SignatureMethod
from signatures.privacy import STATUTES
from signatures.selectors import (
    FiledSignature,
    filed_signatures,
    support_count,
    support_list_asks_citizenship,
)

# The article on civic initiatives in each level's statute: ust. 3 sets the 3-month term, ust. 4 the
# committee's representatives.
ARTICLES = {Level.GMINA: "art. 41a", Level.POWIAT: "art. 42a", Level.WOJEWODZTWO: "art. 89a"}

METHOD_LABELS = {
    SignatureMethod.PAPER: "podpis własnoręczny na arkuszu papierowym",
    SignatureMethod.QES: "kwalifikowany podpis elektroniczny lub podpis osobisty",
    SignatureMethod.TRUSTED_PROFILE: "podpis zaufany",
    SignatureMethod.EMAIL: "oświadczenie potwierdzone pocztą elektroniczną",
}
# What the list's narrow column prints for each form; the legend in the list explains them.
METHOD_SHORT = {
    SignatureMethod.PAPER: "papier",
    SignatureMethod.QES: "e-podpis",
    SignatureMethod.TRUSTED_PROFILE: "p. zaufany",
    SignatureMethod.EMAIL: "e-mail",
}
ROLE_LABELS = {
    Role.MEMBER: "członek komitetu",
    Role.REPRESENTATIVE: "pełnomocnik komitetu",
    Role.DEPUTY: "zastępca pełnomocnika komitetu",
}
ROLE_ORDER = {Role.REPRESENTATIVE: 0, Role.DEPUTY: 1, Role.MEMBER: 2}
CITIZENSHIP_LABELS = {"PL": "PL", "EU": "UE", "UK": "UK"}
# The organ that takes the draft, as art. 41a ust. 3 u.s.g. (42a u.s.p., 89a u.s.w.) names it.
ORGAN_GENITIVE = {
    Level.GMINA: "rady gminy",
    Level.POWIAT: "rady powiatu",
    Level.WOJEWODZTWO: "sejmiku województwa",
}
EN_DASH = "\u2013"  # between the numbers of a page range
EM_DASH = "\u2014"

SECTION_LIST = "Część A. Wykaz osób popierających projekt uchwały"
SECTION_EVIDENCE = "Część B. Dowody weryfikacji podpisów elektronicznych"
SECTION_SCANS = "Część C. Skany arkuszy papierowych"
SECTION_INTEGRITY = "Część D. Załącznik integralności"
FRONT_SECTIONS = (
    ("draft", "Projekt uchwały z uzasadnieniem"),
    ("committee", "Skład komitetu inicjatywy uchwałodawczej"),
    ("summary", "Podsumowanie"),
)


@dataclasses.dataclass(frozen=True)
class ListLayout:
    """The columns of the support list under the initiative's frozen rules (art. 41a ust. 5 u.s.g.)."""

    identifier: str  # "birth_date" or "pesel"
    citizenship: bool

    @functools.cached_property
    def columns(self) -> list[dict]:
        """Titles and widths in millimetres (None: the column that takes the rest of the line)."""
        columns = [
            {"key": "number", "title": "Lp.", "width_mm": 13},
            {"key": "first_names", "title": "Imię (imiona)", "width_mm": 36},
            {"key": "last_name", "title": "Nazwisko", "width_mm": 42},
            {"key": "address", "title": "Adres zamieszkania", "width_mm": None},
        ]
        if self.identifier == "pesel":
            columns.append({"key": "pesel", "title": "Numer PESEL", "width_mm": 24})
        else:
            columns.append({"key": "birth_date", "title": "Data urodzenia", "width_mm": 21})
        if self.citizenship:
            columns.append({"key": "citizenship", "title": "Obyw.", "width_mm": 11})
        columns += [
            {"key": "method", "title": "Forma podpisu", "width_mm": 18},
            {"key": "signed_on", "title": "Data poparcia", "width_mm": 19},
            {"key": "evidence", "title": "Dowód", "width_mm": 18},
        ]
        return columns


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


def list_row(record: dict, layout: ListLayout) -> list[str]:
    """The printed cells of a record, in the order of `layout.columns`."""
    cells = []
    for column in layout.columns:
        key = column["key"]
        if key == "number":
            cells.append(f"{record['number']}.")
        elif key == "citizenship":
            cells.append(CITIZENSHIP_LABELS.get(record["citizenship"], record["citizenship"]))
        elif key == "method":
            cells.append(METHOD_SHORT.get(record["method"], record["method"]))
        elif key == "evidence":
            if "sheet" in record:  # paper: the sheet whose scan is attached
                cells.append(f"ark. {record['sheet'] if record['sheet'] is not None else '—'}")
            else:  # electronic: its validation summary is printed in part B
                cells.append("cz. B")
        else:
            cells.append(str(record[key]))
    return cells


def evidence_lines(evidence: dict | None) -> list[list[str]]:
    """An electronic signature's validation evidence as (name, value) lines, keys in order, values as the
    record holds them (text as is, anything else in JSON: true, false, null), so the record can be
    recomputed from the print."""
    return [
        [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
        for key, value in sorted((evidence or {}).items())
    ]


def identification(packet: Packet) -> str:
    """The packet's name on every page's footer."""
    return f"Inicjatywa nr {packet.initiative_id} · pakiet, wersja {packet.version}"


def _committee(initiative: Initiative) -> list[dict]:
    members = CommitteeMember.objects.filter(
        initiative=initiative, left_at__isnull=True, declared_at__isnull=False
    )
    ordered = sorted(
        members, key=lambda member: (ROLE_ORDER.get(member.role, 9), member.joined_at, member.pk)
    )
    return [
        {
            "full_name": member.full_name,
            "address": member.address,
            "role": ROLE_LABELS.get(member.role, member.role),
            "role_code": member.role,
            "declared_on": polish_date(member.declared_at),
        }
        for member in ordered
    ]


def _local_rules(initiative: Initiative, council_of: str) -> str:
    """'nr II/25/2018 Rady Miasta Gliwice z dnia 13 grudnia 2018 r.': the council's resolution on
    initiatives frozen at opening, to follow "uchwała" or "uchwały"; empty where it adopted none."""
    rules = initiative.rules
    if rules.get("resolution"):
        adopted = f" z dnia {polish_date(rules['adopted_on'])}" if rules.get("adopted_on") else ""
        return f"nr {rules['resolution']} {council_of}{adopted}"
    return ""


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


def packet_front(packet: Packet) -> dict:
    """Everything the front matter shows that the database holds: the cover letter's facts, the draft and
    its justification, the committee, and the summary's figures. The rendering adds page ranges, counts
    of the list as rendered and the Merkle root."""
    initiative = packet.initiative
    unit = initiative.municipality
    level = Level(unit.level)
    council_of = council_genitive(unit.council_name)
    committee = _committee(initiative)
    by_role = {member["role_code"]: member["full_name"] for member in committee}
    draft = _draft(initiative)
    rules = initiative.rules
    counts = support_count(initiative)
    accepted = list(rules["signature_methods"])
    return {
        "ident": identification(packet),
        "initiative_id": initiative.pk,
        "version": packet.version,
        "council": unit.council_name,
        "council_of": council_of,
        "teryt": unit.teryt,
        "level": unit.level,
        "chair": council_chair(unit).nominative,
        "article": ARTICLES[level],
        "statute": STATUTES[level],
        "local_rules": _local_rules(initiative, council_of),
        "committee_name": f"Komitet Inicjatywy Uchwałodawczej {draft['title']}",
        "representative": by_role.get(Role.REPRESENTATIVE, ""),
        "deputy": by_role.get(Role.DEPUTY, ""),
        "committee": committee,
        "draft": draft,
        "filed_on": polish_date(initiative.submitted_at),
        "opened_on": polish_date(initiative.opened_at),
        "deadline": polish_date(initiative.consideration_deadline),
        "supplement_requested_on": polish_date(initiative.supplement_requested_at),
        "threshold": initiative.signature_threshold,
        "population": initiative.population_used,
        "population_as_of": polish_date(initiative.population_as_of_used),
        "population_source": initiative.population_source_used,
        "identifier": "numer PESEL" if rules["identifier"] == "pesel" else "data urodzenia",
        "accepted_methods": [METHOD_LABELS.get(method, method) for method in accepted],
        "counts": [
            {
                "code": method,
                "method": METHOD_LABELS.get(method, method),
                "count": counts.by_method.get(method, 0),
            }
            for method in accepted
        ],
        "counted": counts.counted,
        "method_legend": [
            {"short": METHOD_SHORT[method], "label": METHOD_LABELS[method]}
            for method in accepted
            if method in METHOD_SHORT
        ],
    }


def polish_plural(count: int, one: str, few: str, many: str) -> str:
    """'1 pozycję', '3 pozycje', '5 pozycji', '22 pozycje', '12 pozycji' (Polish numeral agreement)."""
    if count == 1:
        return f"{count} {one}"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} {few}"
    return f"{count} {many}"


@dataclasses.dataclass(frozen=True)
class Figures:
    """What only the rendering knows: the list as rendered, the parts' pages, the attached files."""

    records: int
    listed_by_method: dict[str, int]
    electronic: int  # records signed electronically (part B)
    scans: int  # scans attached (part C)
    merkle_root: str
    sections: list[dict]  # {"title", "pages"} of parts A-D, arabic page ranges
    total_pages: int  # arabic pages, parts A-D
    attachments: list[str]  # names of the files attached to the document


def front_matter(facts: dict, figures: Figures, *, verify_url: str) -> dict:
    """The front matter's data: the facts of packet_front() with the letter, the table of contents and the
    summary worded in Polish around the rendered figures."""
    article = facts["article"]
    title = facts["draft"]["title"]
    pages = {section["title"]: section["pages"] for section in figures.sections}
    by_representative = facts["representative"] != ""

    basis = facts["statute"]
    if facts["local_rules"]:
        basis += (
            f" oraz uchwały {facts['local_rules']} w sprawie zasad i trybu obywatelskiej inicjatywy "
            "uchwałodawczej"
        )
    letter = [
        f"Na podstawie {basis} {facts['committee_name']} przedkłada obywatelski projekt uchwały "
        f"{facts['council_of']} {title} wraz z uzasadnieniem.",
        f"Wykaz osób popierających projekt (część A) obejmuje "
        f"{polish_plural(figures.records, 'pozycję', 'pozycje', 'pozycji')}. Wymagana liczba podpisów, "
        f"ustalona zgodnie z {article} ust. 2 ustawy na podstawie liczby mieszkańców "
        f"{format_integer(facts['population'] or 0)} (stan na dzień {facts['population_as_of']}), wynosi "
        f"{facts['threshold']}.",
    ]
    attached = []
    if figures.scans:
        attached.append(
            f"skany arkuszy papierowych (liczba plików: {figures.scans}) dołączono do dokumentu (część C)"
        )
    if figures.electronic:
        attached.append(
            f"dowody weryfikacji podpisów elektronicznych (liczba podpisów: {figures.electronic}) zawiera "
            "część B"
        )
    if attached:
        sentence = "; ".join(attached)
        letter.append(sentence[0].upper() + sentence[1:] + ".")
    letter.append(
        f"Zgodnie z {article} ust. 3 ustawy projekt staje się przedmiotem obrad "
        f"{ORGAN_GENITIVE[Level(facts['level'])]} na najbliższej sesji po jego złożeniu, nie później jednak "
        "niż po upływie 3 miesięcy od dnia złożenia projektu. "
        # The date ends in "r.", which closes the sentence too.
        f"Projekt złożono {facts['filed_on']}; termin ten upływa {facts['deadline']}"
    )
    if by_representative:
        representation = f"pełnomocnik komitetu: {facts['representative']}"
        if facts["deputy"]:
            representation += f"; zastępca pełnomocnika: {facts['deputy']}"
        letter.append(f"Komitet reprezentuje w pracach rady ({article} ust. 4 ustawy) {representation}.")
    if facts["version"] > 1:
        letter.append(
            f"Niniejszy pakiet w wersji {facts['version']} zastępuje wersję {facts['version'] - 1}: "
            f"obejmuje wykaz uzupełniony w okresie wyznaczonym {facts['supplement_requested_on']}."
        )
    letter.append(
        "Integralność wykazu potwierdzają skróty SHA-256 wszystkich jego pozycji i ich korzeń drzewa Merkle "
        f"(część D oraz dołączony plik integrity.json): {figures.merkle_root}."
    )

    enclosures = [
        "projekt uchwały z uzasadnieniem",
        "skład komitetu inicjatywy uchwałodawczej z danymi z oświadczeń członków",
        "podsumowanie",
        f"wykaz osób popierających projekt (część A, s. {pages[SECTION_LIST]})",
    ]
    if SECTION_EVIDENCE in pages:
        enclosures.append(
            f"dowody weryfikacji podpisów elektronicznych (część B, s. {pages[SECTION_EVIDENCE]})"
        )
    enclosures.append(
        f"wykaz skanów arkuszy papierowych (część C, s. {pages[SECTION_SCANS]})"
        + (f" i {polish_plural(figures.scans, 'plik', 'pliki', 'plików')} skanów" if figures.scans else "")
    )
    enclosures.append(
        f"załącznik integralności (część D, s. {pages[SECTION_INTEGRITY]}) i plik integrity.json"
    )

    if by_representative:
        signatory = f"{facts['representative']} {EM_DASH} pełnomocnik komitetu"
    else:
        signatory = ", ".join(member["full_name"] for member in facts["committee"])

    summary = [
        ["Rada", f"{facts['council']} (kod TERC {facts['teryt']})"],
        ["Podstawa prawna", facts["statute"]],
        [
            "Uchwała rady w sprawie zasad",
            f"uchwała {facts['local_rules']}" if facts["local_rules"] else "brak (zasady ustawowe)",
        ],
        [
            "Liczba mieszkańców przyjęta do ustalenia progu",
            f"{format_integer(facts['population'] or 0)} (stan na dzień {facts['population_as_of']}"
            + (f"; źródło: {facts['population_source']})" if facts["population_source"] else ")"),
        ],
        ["Wymagana liczba podpisów", str(facts["threshold"])],
        ["Pozycje wykazu", str(figures.records)],
        ["Identyfikator osoby w wykazie", facts["identifier"]],
        ["Formy poparcia dopuszczone przez uchwałę", "; ".join(facts["accepted_methods"])],
        ["Rozpoczęcie zbierania podpisów", facts["opened_on"]],
        ["Złożenie projektu", facts["filed_on"]],
        [f"Termin rozpatrzenia ({article} ust. 3)", facts["deadline"]],
    ]
    if facts["supplement_requested_on"]:
        summary.append(["Wezwanie do uzupełnienia wykazu", facts["supplement_requested_on"]])
    summary += [
        ["Wersja pakietu", str(facts["version"])],
        ["Skany arkuszy dołączone do pliku", str(figures.scans)],
        ["Strony", f"część wstępna: i i nast.; wykaz i załączniki: 1{EN_DASH}{figures.total_pages}"],
    ]

    counts = [
        {
            "method": row["method"],
            "count": row["count"],
            "listed": figures.listed_by_method.get(row["code"], 0),
        }
        for row in facts["counts"]
    ]
    return {
        **facts,
        "merkle_root": figures.merkle_root,
        "records": figures.records,
        "letter": letter,
        "enclosures": enclosures,
        "signatory": signatory,
        "chair_dative": f"Przewodniczącego {facts['council_of']}",
        "seal_note": (
            "Dokument sporządzono w serwisie obywatelskiej inicjatywy uchwałodawczej i opatrzono pieczęcią "
            "elektroniczną (PAdES), która obejmuje cały plik wraz z dołączonymi plikami; każda zmiana "
            "pliku po opieczętowaniu jest wykrywalna. Sprawdzenie pieczęci i załącznika integralności: "
            f"{verify_url}"
        ),
        "front_sections": [
            {"label": label, "title": section_title} for label, section_title in FRONT_SECTIONS
        ],
        "sections": figures.sections,
        "attachments_toc": [f"Plik {name}" for name in figures.attachments if name == "integrity.json"],
        "numbering_note": (
            "Strony części wstępnej są numerowane cyframi rzymskimi, strony wykazu i załączników cyframi "
            f"arabskimi od 1 do {figures.total_pages}. Stopka każdej strony podaje numer inicjatywy i wersję "
            "pakietu."
        ),
        "committee_intro": (
            f"Komitet inicjatywy uchwałodawczej ({article} ust. 1 ustawy) tworzą następujące osoby, które "
            "złożyły oświadczenie o przystąpieniu do komitetu:"
        ),
        "declaration_note": (
            f"Każda z wymienionych osób oświadczyła, że ma czynne prawo wyborcze do {facts['council_of']} i "
            f"przystępuje do komitetu, który przedkłada projekt uchwały {facts['council_of']} {title}. "
            "Oświadczenia złożono elektronicznie w serwisie, z konta potwierdzonego adresem e-mail."
        ),
        "summary": summary,
        "counts": counts,
        "counts_note": (
            "„Licznik” podaje liczbę potwierdzonych podpisów w danej formie w chwili złożenia projektu, "
            "„W wykazie” liczbę pozycji wykazu w tej formie."
            + (
                ""
                if all(row["count"] == row["listed"] for row in counts)
                else " Liczby różnią się: o poparciu rozstrzygają pozycje wykazu."
            )
        ),
    }
