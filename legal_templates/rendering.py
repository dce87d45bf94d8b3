"""A template version and a committee's values rendered as a draft in the standard form of a local resolution.

The form follows the rules of legislative drafting applied to local acts (§ 143 of "Zasady techniki
prawodawczej", Dz. U. z 2016 r. poz. 283): the word "Projekt", the heading "Uchwała nr … Rady … z dnia …",
the title "w sprawie …", the legal basis, numbered paragraphs, the executor, the entry into force, and the
justification.

The catalogue's template texts are rendered as plain text (autoescape off) into a structured `Draft`; pages
render that structure through `legal_templates/draft.html` with autoescape on, so nothing a committee types
can become markup, and the plain text (`Draft.as_text()`, used for PDFs and hashes) and the HTML always say
the same thing.
"""

import dataclasses
import datetime
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.template import Context, Engine, Template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from legal_templates.fields import (
    COUNCIL_NAME,
    DATE,
    EXECUTIVE_BODY,
    INTEGER,
    LONG_TEXT,
    MONEY,
    UNIT_NAME,
    clean_justification,
    clean_values,
)
from legal_templates.models import Executor, TemplateVersion
from legal_templates.organ_names import (
    council_chair,
    council_genitive,
    executive_body,
    official_journal_locative,
)
from municipalities.models import Unit

PROJECT_MARK = "Projekt"
NUMBER_PLACEHOLDER = "Uchwała nr … / …"
DATE_PLACEHOLDER = "z dnia … r."
JUSTIFICATION_HEADING = "Uzasadnienie"
# The choice value of a free-form draft's "act of local law?" field that makes it one.
LOCAL_LAW_YES = "tak"
# Art. 4 ust. 1 of the act of 20 July 2000 on publishing normative acts (Dz. U. z 2019 r. poz. 1461):
# acts of local law take effect 14 days after publication unless they name a longer period.
LOCAL_LAW_VACATIO_DAYS = 14

MONTHS_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)
NBSP = "\u00a0"

EXECUTOR_OPENING = "Wykonanie uchwały powierza się"
# How the closing paragraphs open (matched at a paragraph's start); the formal check looks for the same.
EXECUTOR_PARAGRAPH = re.compile(r"wykonanie\s+uchwały\s+powierza\s+się\b", re.IGNORECASE)
ENTRY_INTO_FORCE_PARAGRAPH = re.compile(r"(?:niniejsza\s+)?uchwała\b.*\bwchodzi\s+w\s+życie\b", re.IGNORECASE)
# A paragraph number typed by a committee ("§ 2.") is dropped: paragraphs are numbered when rendered.
_TYPED_NUMBER = re.compile(r"^§\s*\d+[a-z]?\s*\.?\s*")
_REPEATED_SUBJECT = re.compile(r"^(?:w\s+sprawie\s+){2,}", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BASIS_OPENING = re.compile(r"^na\s+podstawie\s+", re.IGNORECASE)

# The catalogue's texts are trusted (they are files in the repository); values are data and never compiled.
_ENGINE = Engine(string_if_invalid="")


class DraftError(ValueError):
    """The values cannot make a draft: `errors` maps a field (or "fields"/"justification"/"template") to
    messages, nested as in the API's 400 answers."""

    def __init__(self, errors: dict[str, Any]):
        super().__init__(str(errors))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class JustificationSection:
    key: str
    heading: str
    text: str


@dataclasses.dataclass(frozen=True)
class Justification:
    """The four parts a justification needs: the need and aim, the present state, the expected effects
    (financial ones included), and the source of funding."""

    need: str = ""
    present_state: str = ""
    effects: str = ""
    funding: str = ""

    HEADINGS = (
        ("need", "Potrzeba i cel podjęcia uchwały"),
        ("present_state", "Stan obecny w dziedzinie, której dotyczy uchwała"),
        ("effects", "Przewidywane skutki, w tym skutki finansowe"),
        ("funding", "Źródła finansowania"),
    )

    @property
    def sections(self) -> tuple[JustificationSection, ...]:
        return tuple(JustificationSection(key, heading, getattr(self, key)) for key, heading in self.HEADINGS)


@dataclasses.dataclass(frozen=True)
class NumberedParagraph:
    label: str
    lines: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Draft:
    """A rendered draft resolution; every part is plain text."""

    template_slug: str
    template_version: int
    teryt: str
    council_name: str
    heading: tuple[str, ...]  # "Projekt", "Uchwała nr … / …", the council in the genitive, "z dnia … r."
    title: str  # "w sprawie …"
    basis: str  # "Na podstawie … Rada … uchwala, co następuje:"
    paragraphs: tuple[tuple[str, ...], ...]  # each § as its lines, numbers not included
    is_local_law: bool
    justification: Justification

    @property
    def numbered_paragraphs(self) -> tuple[NumberedParagraph, ...]:
        return tuple(
            NumberedParagraph(f"§ {number}.", lines) for number, lines in enumerate(self.paragraphs, start=1)
        )

    def as_text(self) -> str:
        lines: list[str] = [self.heading[0], "", *self.heading[1:], "", self.title, "", self.basis, ""]
        for paragraph in self.numbered_paragraphs:
            lines.append(f"{paragraph.label} {paragraph.lines[0]}")
            lines.extend(paragraph.lines[1:])
            lines.append("")
        lines.extend([JUSTIFICATION_HEADING, ""])
        for section in self.justification.sections:
            lines.extend([section.heading, section.text, ""])
        return "\n".join(lines).rstrip("\n") + "\n"


def render_draft(
    version: TemplateVersion, *, unit: Unit, values: Mapping[str, Any], justification: Mapping[str, Any]
) -> Draft:
    """The draft of `version` for `unit`'s council; DraftError when the values or the unit do not fit.

    `values` may be what the committee sent or what `clean_values` returned: they are cleaned here again.
    """
    template = version.template
    if unit.level not in template.levels:
        raise DraftError({"template": [gettext("This template is not for a council of this level.")]})
    cleaned, field_errors = clean_values(version, values)
    parts, justification_errors = clean_justification(justification)
    errors: dict[str, Any] = {}
    if field_errors:
        errors["fields"] = field_errors
    if justification_errors:
        errors["justification"] = justification_errors
    if errors:
        raise DraftError(errors)

    context = _context(version, unit, cleaned)
    title = _REPEATED_SUBJECT.sub(
        "w sprawie ", _one_line(render_template_text(version.resolution_title, context))
    )
    if version.basis_template:
        cited = _one_line(render_template_text(version.basis_template, context))
        cited = _BASIS_OPENING.sub("", cited).rstrip(" ,;:.")
    else:
        cited = cited_provisions(version.legal_basis, unit.level)
    basis = f"Na podstawie {cited} {unit.council_name} uchwala, co następuje:" if cited else ""
    is_local_law = template.is_local_law or (
        bool(version.local_law_field) and cleaned.get(version.local_law_field) == LOCAL_LAW_YES
    )
    return Draft(
        template_slug=template.slug,
        template_version=version.version,
        teryt=unit.teryt,
        council_name=unit.council_name,
        heading=(PROJECT_MARK, NUMBER_PLACEHOLDER, council_genitive(unit.council_name), DATE_PLACEHOLDER),
        title=title,
        basis=basis,
        paragraphs=_paragraphs_with_closing(
            split_paragraphs(render_template_text(version.body, context)),
            executor=_executor_paragraph(version, unit),
            entry_into_force=_entry_into_force_paragraph(unit, is_local_law=is_local_law),
        ),
        is_local_law=is_local_law,
        justification=Justification(**parts),
    )


def render_draft_html(draft: Draft, *, id_prefix: str = "draft") -> str:
    """The draft as an HTML fragment (`legal_templates/draft.html`); ids start with `id_prefix`."""
    return render_to_string("legal_templates/draft.html", {"draft": draft, "draft_id": id_prefix})


def cited_provisions(legal_basis: list[Mapping[str, Any]], level: str) -> str:
    """'art. 18 ust. 2 pkt 13 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym (Dz. U. …)', the provisions
    that apply at `level`, joined as Polish lists them ("a, b oraz c")."""
    cited = [
        f"{item['provisions']} {act_genitive(item['act'])} ({item['journal']})"
        for item in legal_basis
        if not item.get("levels") or level in item["levels"]
    ]
    if len(cited) <= 1:
        return "".join(cited)
    return f"{', '.join(cited[:-1])} oraz {cited[-1]}"


def act_genitive(act: str) -> str:
    """'ustawa z dnia …' -> 'ustawy z dnia …' (a provision is 'art. 5 ustawy …')."""
    for nominative, genitive in (("ustawa ", "ustawy "), ("rozporządzenie ", "rozporządzenia ")):
        if act.lower().startswith(nominative):
            return genitive + act[len(nominative) :]
    return act


@functools.lru_cache(maxsize=512)
def compile_template_text(source: str) -> Template:
    return _ENGINE.from_string(source)


def render_template_text(source: str, context: Mapping[str, Any]) -> str:
    if not source:
        return ""
    return compile_template_text(source).render(Context(dict(context), autoescape=False))


def split_paragraphs(text: str) -> list[tuple[str, ...]]:
    """Rendered body text as paragraphs: blank lines separate them, other line breaks stay inside one."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        lines = [_squeeze(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        lines[0] = _TYPED_NUMBER.sub("", lines[0])
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append(tuple(lines))
    return paragraphs


def format_date(value: datetime.date) -> str:
    """'2026-03-05' -> '5 marca 2026' (the draft adds 'r.' where Polish usage wants it)."""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year}"


def polish_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """'13 grudnia 2018 r.' as documents write a date; a datetime as its Warsaw calendar day, an ISO
    string parsed, nothing as ""."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{format_date(value)} r."


def format_money(value: Decimal) -> str:
    """Decimal('12500.5') -> '12 500,50' with non-breaking spaces between thousands."""
    return f"{value:,.2f}".replace(",", NBSP).replace(".", ",")


def format_integer(value: int) -> str:
    """Polish groups thousands only from five digits: 1500, but 12 500."""
    if abs(value) < 10_000:
        return str(value)
    return f"{value:,}".replace(",", NBSP)


def unit_field_values(fields, unit: Unit) -> dict[str, str]:
    """The fields filled from the council's data, never typed (fields.UNIT_FIELD_TYPES): name → text."""
    from_unit = {
        COUNCIL_NAME: lambda: unit.council_name,
        UNIT_NAME: lambda: unit.name,
        EXECUTIVE_BODY: lambda: executive_body(unit).nominative,
    }
    return {field["name"]: from_unit[field["type"]]() for field in fields if field["type"] in from_unit}


def _context(version: TemplateVersion, unit: Unit, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    from_unit = unit_field_values(version.fields, unit)
    return {
        field["name"]: from_unit[field["name"]]
        if field["name"] in from_unit
        else _formatted(field, cleaned.get(field["name"]))
        for field in version.fields
    }


def _formatted(field: Mapping[str, Any], value: Any) -> Any:
    if value is None:
        return ""
    if field["type"] == DATE:
        return format_date(value)
    if field["type"] == MONEY:
        return format_money(value)
    if field["type"] == INTEGER:
        return value  # kept a number, so that a template can choose "rok", "lata" or "lat"
    if field["type"] == LONG_TEXT and not field.get("paragraphs"):
        # Only fields meant to hold paragraphs (free-form drafts) may start a new §; elsewhere a blank line
        # the committee typed stays inside the paragraph the value belongs to.
        return re.sub(r"\n{2,}", "\n", value)
    return value


def _one_line(text: str) -> str:
    return _squeeze(text.replace("\n", " "))


def _squeeze(text: str) -> str:
    """Runs of spaces as one; non-breaking spaces (in amounts: "12 500,00") are kept."""
    return _SPACES.sub(" ", text).strip(" ")


def _executor_paragraph(version: TemplateVersion, unit: Unit) -> str:
    organ = council_chair(unit) if version.executor == Executor.COUNCIL_CHAIR else executive_body(unit)
    return f"{EXECUTOR_OPENING} {organ.dative}."


def _entry_into_force_paragraph(unit: Unit, *, is_local_law: bool) -> str:
    if is_local_law:
        return (
            f"Uchwała wchodzi w życie po upływie {LOCAL_LAW_VACATIO_DAYS} dni od dnia ogłoszenia "
            f"w {official_journal_locative(unit)}."
        )
    return "Uchwała wchodzi w życie z dniem podjęcia."


def _paragraphs_with_closing(
    body: list[tuple[str, ...]], *, executor: str, entry_into_force: str
) -> tuple[tuple[str, ...], ...]:
    """The body's paragraphs, then the executor, then the entry into force, in that order.

    A committee writing a free-form draft may type its own executor or entry-into-force paragraph; it then
    replaces the standard one (and is moved to its place at the end), so the formal check judges what the
    committee wrote.
    """
    substantive, executors, entries = [], [], []
    for paragraph in body:
        text = " ".join(paragraph)
        if EXECUTOR_PARAGRAPH.match(text):
            executors.append(paragraph)
        elif ENTRY_INTO_FORCE_PARAGRAPH.match(text):
            entries.append(paragraph)
        else:
            substantive.append(paragraph)
    return (
        *substantive,
        *(executors or [(executor,)]),
        *(entries or [(entry_into_force,)]),
    )
