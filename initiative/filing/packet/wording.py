"""The packet's Polish words around the facts (initiative.filing.packet.facts) where they need Python: labels
of codes, dates and numbers as documents write them, numeral agreement, and the sentences of the front
matter that change with the facts. Static text with fields lives in the Typst templates
(documents/typst/packet_*.typ).

The packet is a document for the council, so its text is Polish whatever language anybody reads the site
in (as the paper sheets are, signatures.paper.services).
"""

from initiative.filing.deadlines import CONSIDERATION_MONTHS
from initiative.filing.packet.facts import Figures, ListLayout, PacketFacts
from initiative.models import Role
from legal_templates.rendering import format_integer, polish_date
from municipalities.levels import Level
from municipalities.models import SignatureMethod

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
CITIZENSHIP_LABELS = {"PL": "PL", "EU": "UE", "UK": "UK"}
IDENTIFIER_LABELS = {"pesel": "numer PESEL", "birth_date": "data urodzenia"}
# The organ that takes the draft, as art. 41a ust. 3 u.s.g. (42a u.s.p., 89a u.s.w.) names it.
ORGAN_GENITIVE = {
    Level.GMINA: "rady gminy",
    Level.POWIAT: "rady powiatu",
    Level.WOJEWODZTWO: "sejmiku województwa",
}
EN_DASH = "\u2013"  # between the numbers of a page range
EM_DASH = "\u2014"
INTEGRITY_DESCRIPTION = "Załącznik integralności: skróty pozycji wykazu, korzeń Merkle, skróty plików"


def identification(initiative_id: int, version: int) -> str:
    """The packet's name on every page's footer."""
    return f"Inicjatywa nr {initiative_id} · pakiet, wersja {version}"


def scan_description(sheet_number: int) -> str:
    return f"Skan arkusza nr {sheet_number} wykazu osób popierających projekt"


def signed_file_description(position: int) -> str:
    return f"Oświadczenie poparcia z podpisem elektronicznym, poz. {position} wykazu, w postaci przesłanej"


def polish_plural(count: int, one: str, few: str, many: str) -> str:
    """'1 pozycję', '3 pozycje', '5 pozycji', '22 pozycje', '12 pozycji' (Polish numeral agreement)."""
    if count == 1:
        return f"{count} {one}"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} {few}"
    return f"{count} {many}"


def identifier_label(facts: PacketFacts) -> str:
    return IDENTIFIER_LABELS["pesel" if facts.identifier == "pesel" else "birth_date"]


def method_legend(accepted: list[str]) -> str:
    """The list's short forms explained, each with its label, for the list's introduction."""
    return "; ".join(
        f"{METHOD_SHORT[method]} {EN_DASH} {METHOD_LABELS[method]}"
        for method in accepted
        if method in METHOD_SHORT
    )


def list_row(record: dict, layout: ListLayout) -> list[str]:
    """The printed cells of a record, in the order of `layout.keys`."""
    cells = []
    for key in layout.keys:
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


def committee_name(facts: PacketFacts) -> str:
    return facts.contact.name


def committee_address(facts: PacketFacts) -> list[str]:
    """The lines under the committee's name in the letter's heading: where the office writes to it."""
    contact = facts.contact
    lines = [f"adres do korespondencji: {contact.address}"] if contact.address else []
    reach = [
        f"e-mail: {contact.email}" if contact.email else "",
        f"tel. {contact.phone}" if contact.phone else "",
    ]
    if any(reach):
        lines.append(", ".join(part for part in reach if part))
    return lines


def local_rules(facts: PacketFacts) -> str:
    """'nr II/25/2018 Rady Miasta Gliwice z dnia 13 grudnia 2018 r.': the council's resolution on
    initiatives frozen at opening, to follow "uchwała" or "uchwały"; empty where it adopted none."""
    if not facts.resolution:
        return ""
    adopted = f" z dnia {polish_date(facts.resolution_adopted_on)}" if facts.resolution_adopted_on else ""
    return f"nr {facts.resolution} {facts.council_of}{adopted}"


def consideration_term(facts: PacketFacts) -> str:
    """When the council's term runs: from the office's receipt, which the platform learns only from the
    clerk (initiative.filing.deadlines); so the first version says so, a later one gives the dates."""
    if facts.received_on is None:
        return "Termin ten biegnie od dnia wpływu projektu do urzędu."
    # The dates end in "r.", which closes the sentence too.
    return (
        f"Projekt wpłynął do urzędu {polish_date(facts.received_on)}; termin ten upływa "
        f"{polish_date(facts.consideration_deadline)}"
    )


def _letter(facts: PacketFacts, figures: Figures) -> list[str]:
    """The cover letter's paragraphs."""
    article = facts.statute.article
    rules = local_rules(facts)
    representative, deputy = facts.member_named(Role.REPRESENTATIVE), facts.member_named(Role.DEPUTY)
    basis = facts.statute.citation
    if rules:
        # The council's resolution by its number (and its own title, once the rules record it): no title
        # of our own making, which would misname a resolution that reads otherwise.
        title = (facts.resolution_title or "").strip()
        basis += f" oraz uchwały {rules}" + (f" {title}" if title else "")
    letter = [
        f"Na podstawie {basis} {committee_name(facts)} przedkłada obywatelski projekt uchwały "
        f"{facts.council_of} {facts.draft['title']} wraz z uzasadnieniem.",
        f"Wykaz osób popierających projekt (część A) obejmuje "
        f"{polish_plural(figures.records, 'pozycję', 'pozycje', 'pozycji')}. Wymagana liczba podpisów, "
        f"ustalona zgodnie z {article} ust. 2 ustawy na podstawie liczby mieszkańców "
        f"{format_integer(facts.population or 0)} (stan na dzień {polish_date(facts.population_as_of)}), "
        f"wynosi {facts.threshold}.",
    ]
    attached = []
    sheets = len(facts.paper_sheets)
    if sheets:
        attached.append(
            "oryginały arkuszy papierowych z podpisami "
            f"({polish_plural(sheets, 'arkusz', 'arkusze', 'arkuszy')}, wymienione w części C) komitet "
            "doręcza do urzędu: o ważności podpisów złożonych na papierze "
            "rozstrzygają oryginały"
        )
    if figures.scans:
        attached.append(
            f"skany arkuszy papierowych (liczba plików: {figures.scans}) dołączono do dokumentu (część C)"
        )
    if figures.electronic:
        attached.append(
            f"dowody weryfikacji podpisów elektronicznych (liczba podpisów: {figures.electronic}) zawiera "
            "część B"
        )
    if figures.signed_files:
        attached.append(
            "oświadczenia poparcia z podpisami elektronicznymi, w postaci plików przesłanych przez osoby "
            f"popierające ({polish_plural(figures.signed_files, 'plik', 'pliki', 'plików')} "
            "poparcie-N, gdzie N to pozycja wykazu), dołączono do dokumentu, aby urząd mógł sam sprawdzić "
            "każdy podpis"
        )
    if attached:
        sentence = "; ".join(attached)
        letter.append(sentence[0].upper() + sentence[1:] + ".")
    letter.append(
        f"Zgodnie z {article} ust. 3 ustawy projekt staje się przedmiotem obrad "
        f"{ORGAN_GENITIVE[facts.level]} na najbliższej sesji po jego złożeniu, nie później jednak "
        f"niż po upływie {CONSIDERATION_MONTHS} miesięcy od dnia złożenia projektu. "
        + consideration_term(facts)
    )
    if representative:
        representation = f"pełnomocnik komitetu: {representative}"
        if deputy:
            representation += f"; zastępca pełnomocnika: {deputy}"
        letter.append(f"Komitet reprezentuje w pracach rady ({article} ust. 4 ustawy) {representation}.")
    if facts.version > 1:
        letter.append(
            f"Niniejszy pakiet w wersji {facts.version} zastępuje wersję {facts.version - 1}: "
            f"obejmuje wykaz uzupełniony w okresie wyznaczonym {polish_date(facts.supplement_requested_at)}."
        )
        withdrawn = facts.withdrawn_since_previous
        if withdrawn:
            letter.append(
                f"Liczba osób, które po złożeniu wersji {facts.version - 1} wycofały poparcie: "
                f"{len(withdrawn)} (pozycje wykazu wersji {facts.version - 1}: "
                f"{', '.join(map(str, withdrawn))}); wykaz w tej wersji ich nie obejmuje."
            )
    letter.append(
        "Integralność wykazu potwierdzają skróty SHA-256 wszystkich jego pozycji i ich korzeń drzewa Merkle "
        f"(część D oraz dołączony plik integrity.json): {figures.merkle_root}."
    )
    return letter


def _enclosures(figures: Figures) -> list[str]:
    pages = figures.pages
    enclosures = [
        "projekt uchwały z uzasadnieniem",
        "skład komitetu inicjatywy uchwałodawczej z danymi z oświadczeń członków",
        "podsumowanie",
        f"wykaz osób popierających projekt (część A, s. {pages['list']})",
    ]
    if "evidence" in pages:
        enclosures.append(
            f"dowody weryfikacji podpisów elektronicznych (część B, s. {pages['evidence']})"
            + (
                f" i {polish_plural(figures.signed_files, 'plik', 'pliki', 'plików')} podpisanych oświadczeń"
                if figures.signed_files
                else ""
            )
        )
    enclosures.append(
        f"wykaz skanów arkuszy papierowych (część C, s. {pages['scans']})"
        + (f" i {polish_plural(figures.scans, 'plik', 'pliki', 'plików')} skanów" if figures.scans else "")
    )
    enclosures.append(f"załącznik integralności (część D, s. {pages['integrity']}) i plik integrity.json")
    return enclosures


def _summary(facts: PacketFacts, figures: Figures) -> list[list[str]]:
    """The summary's rows: (what, value)."""
    rules = local_rules(facts)
    population = (
        f"{format_integer(facts.population or 0)} (stan na dzień {polish_date(facts.population_as_of)}"
        + (f"; źródło: {facts.population_source})" if facts.population_source else ")")
    )
    summary = [
        ["Rada", f"{facts.council} (kod TERC {facts.teryt})"],
        ["Podstawa prawna", facts.statute.citation],
        ["Uchwała rady w sprawie zasad", f"uchwała {rules}" if rules else "brak (zasady ustawowe)"],
        ["Liczba mieszkańców przyjęta do ustalenia progu", population],
        ["Wymagana liczba podpisów", str(facts.threshold)],
        ["Pozycje wykazu", str(figures.records)],
        ["Identyfikator osoby w wykazie", identifier_label(facts)],
        [
            "Formy poparcia dopuszczone przez uchwałę",
            "; ".join(METHOD_LABELS.get(method, method) for method in facts.accepted_methods),
        ],
        ["Rozpoczęcie zbierania podpisów", polish_date(facts.opened_at)],
        ["Złożenie projektu w serwisie", polish_date(facts.submitted_at)],
        [
            f"Termin rozpatrzenia ({facts.statute.article} ust. 3)",
            polish_date(facts.consideration_deadline)
            if facts.consideration_deadline
            else f"{CONSIDERATION_MONTHS} miesiące od dnia wpływu projektu do urzędu",
        ],
    ]
    if facts.supplement_requested_at:
        summary.append(["Wezwanie do uzupełnienia wykazu", polish_date(facts.supplement_requested_at)])
    summary += [
        ["Wersja pakietu", str(facts.version)],
        ["Skany arkuszy dołączone do pliku", str(figures.scans)],
        ["Strony", f"część wstępna: i i nast.; wykaz i załączniki: 1{EN_DASH}{figures.total_pages}"],
    ]
    return summary


def front_matter(facts: PacketFacts, figures: Figures, *, verify_url: str) -> dict:
    """The data of documents/typst/packet_front.typ: the facts, and the letter, the enclosures and the
    summary worded around the rendered figures."""
    representative = facts.member_named(Role.REPRESENTATIVE)
    if representative:
        signatory = f"{representative} {EM_DASH} pełnomocnik komitetu"
    else:
        signatory = ", ".join(member.full_name for member in facts.committee)
    counts = [
        {
            "method": METHOD_LABELS.get(method, method),
            "count": facts.counted_by_method.get(method, 0),
            "listed": figures.listed_by_method.get(method, 0),
        }
        for method in facts.accepted_methods
    ]
    return {
        "ident": identification(facts.initiative_id, facts.version),
        "council_of": facts.council_of,
        "chair": facts.chair,
        "article": facts.statute.article,
        "committee_name": committee_name(facts),
        "representative": representative,
        "deputy": facts.member_named(Role.DEPUTY),
        "committee_address": committee_address(facts),
        "draft": facts.draft,
        "filed_on": polish_date(facts.submitted_at),
        "merkle_root": figures.merkle_root,
        "records": figures.records,
        "counted": facts.counted,
        "letter": _letter(facts, figures),
        "enclosures": _enclosures(figures),
        "signatory": signatory,
        "verify_url": verify_url,
        "sections": [{"key": key, "pages": pages} for key, pages in figures.pages.items()],
        "total_pages": figures.total_pages,
        "attached": [name for name in figures.attachments if name == "integrity.json"],  # in the contents
        "committee": [
            {
                "full_name": member.full_name,
                "address": member.address,
                "role": ROLE_LABELS.get(member.role, member.role),
                "declared_on": polish_date(member.declared_at),
            }
            for member in facts.committee
        ],
        "summary": _summary(facts, figures),
        "counts": counts,
        "counts_differ": any(row["count"] != row["listed"] for row in counts),
    }
