"""The formal check of a rendered draft: what a council office would send back before counting signatures.

It reads the rendered `Draft` (not the template), so a free-form draft is checked exactly like one made from
the catalogue. Errors block opening an initiative; warnings are for the committee, and the clerk decides.
"""

import dataclasses
import re

from django.utils.translation import gettext as _

from legal_templates.rendering import (
    ENTRY_INTO_FORCE_PARAGRAPH,
    EXECUTOR_PARAGRAPH,
    LOCAL_LAW_VACATIO_DAYS,
    Draft,
)

ERROR, WARNING = "error", "warning"


@dataclasses.dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "message": self.message}


_TITLE = re.compile(r"w\s+sprawie\s+\S.{2,}", re.IGNORECASE)
_BASIS = re.compile(r"\bna\s+podstawie\s+art\.\s*\d", re.IGNORECASE)
_NAMES_SOMEONE = re.compile(r"powierza\s+się\s+\S", re.IGNORECASE)

# "po upływie 14 dni", "po upływie czternastu dni", "po upływie miesiąca" (the number may be a word).
_AFTER_PERIOD = re.compile(
    r"po\s+upływie\s+(?:(?P<number>\d+|[a-ząćęłńóśźż]+)\s+)?"
    r"(?P<unit>dni|dnia|tygodni|tygodnia|tygodnie|miesięcy|miesiąca|miesiące|lat|roku)\b",
    re.IGNORECASE,
)
_ON_THE_DAY = re.compile(r"z\s+dniem\s+(?:jej\s+|jego\s+)?(?:podjęcia|ogłoszenia)", re.IGNORECASE)
_FROM_PUBLICATION = re.compile(r"od\s+dnia\s+(?:jej\s+|jego\s+)?ogłoszenia", re.IGNORECASE)
_NUMBER_WORDS = {
    "jednego": 1,
    "dwóch": 2,
    "dwu": 2,
    "trzech": 3,
    "czterech": 4,
    "pięciu": 5,
    "sześciu": 6,
    "siedmiu": 7,
    "ośmiu": 8,
    "dziewięciu": 9,
    "dziesięciu": 10,
    "jedenastu": 11,
    "dwunastu": 12,
    "trzynastu": 13,
    "czternastu": 14,
    "piętnastu": 15,
    "szesnastu": 16,
    "siedemnastu": 17,
    "osiemnastu": 18,
    "dziewiętnastu": 19,
    "dwudziestu": 20,
    "trzydziestu": 30,
}
# The shortest length of each unit in days: a month is at least 28 days long.
_UNIT_DAYS = {"dn": 1, "ty": 7, "mi": 28, "la": 365, "ro": 365}

# Effects that say something about money: "skutki finansowe", "koszt", "wydatki", "zł", "środki", "budżet".
_FINANCIAL = re.compile(r"finans|koszt|wydat|budże[tc]|\bzł\b|złot|środk|bezkosztow", re.IGNORECASE)

# Art. 233 pkt 1 u.f.p. (ustawa z dnia 27 sierpnia 2009 r. o finansach publicznych): only the executive
# (zarząd; in a gmina the wójt, art. 60 ust. 2 pkt 4 u.s.g.) may propose the budget resolution, its changes,
# the multi-year financial forecast and its changes. A citizens' initiative on them must be refused.
_BUDGET_NOUN = r"budże(?:t(?:u|owi|em|y|ów|om|ami|ach)?|cie)"
_UNIT_GENITIVE = r"(?:gminy|miasta|powiatu|województwa|m\.\s?st\.|dzielnicy|związku)"
_PARTICIPATORY = re.compile(r"\s*(?:obywatelsk|partycypacyjn)", re.IGNORECASE)
_FUNDING_SOURCE = re.compile(r"(?:\bz|\bze|\bśrodków|\bśrodki|\bśrodkami)\s+$", re.IGNORECASE)
_BUDGET_TITLE = [
    re.compile(rf"\b(?P<noun>{_BUDGET_NOUN})\s+{_UNIT_GENITIVE}", re.IGNORECASE),
    re.compile(rf"\b(?P<noun>{_BUDGET_NOUN})\s+na\s+(?:rok\s+)?\d{{4}}", re.IGNORECASE),
    re.compile(rf"\bzmian\w*\s+(?:w\s+)?(?P<noun>{_BUDGET_NOUN})\b", re.IGNORECASE),
    re.compile(rf"\bzmieniając\w*\s+(?P<noun>{_BUDGET_NOUN})\b", re.IGNORECASE),
]
_BUDGET_ALWAYS = [
    re.compile(r"\buchwa\w*\s+budżetow\w*", re.IGNORECASE),
    re.compile(r"\bwieloletni\w*\s+prognoz\w*\s+finansow\w*", re.IGNORECASE),
    re.compile(r"\bWPF\b"),
]
# Operative words of a body that changes the budget or the forecast (a free-form draft may say so there).
_BUDGET_BODY = [
    re.compile(
        r"\b(?:wprowadza|dokonuje)\s+się\s+(?:następując\w+\s+)?zmian\w*\s+w\s+"
        r"(?:uchwale\s+budżetowej|budżecie(?!\s+(?:obywatelsk|partycypacyjn))|wieloletniej\s+prognozie)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bzmienia\s+się\s+(?:uchwałę\s+budżetową|budżet\b(?!\s+(?:obywatelsk|partycypacyjn))"
        r"|wieloletnią\s+prognozę)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:zwiększa|zmniejsza)\s+się\s+(?:plan\s+)?(?:dochod\w*|wydat\w*|przychod\w*|rozchod\w*)\s+budżetu",
        re.IGNORECASE,
    ),
    re.compile(
        r"\buchwala\s+się\s+(?:budżet\b(?!\s+(?:obywatelsk|partycypacyjn))|wieloletnią\s+prognozę)",
        re.IGNORECASE,
    ),
]


def formal_check(draft: Draft) -> list[Finding]:
    """Every formal problem of the draft: errors first, in the order a reader meets them, then warnings."""
    findings: list[Finding] = []

    def error(code: str, message: str) -> None:
        findings.append(Finding(ERROR, code, message))

    def warning(code: str, message: str) -> None:
        findings.append(Finding(WARNING, code, message))

    texts = [" ".join(lines) for lines in draft.paragraphs]
    executors = [text for text in texts if EXECUTOR_PARAGRAPH.match(text) and _NAMES_SOMEONE.search(text)]
    entries = [text for text in texts if text not in executors and ENTRY_INTO_FORCE_PARAGRAPH.match(text)]
    substantive = [text for text in texts if text not in executors and text not in entries]

    # The form of a resolution: § 143 of "Zasady techniki prawodawczej" applies the rules for acts (heading,
    # title, legal basis, paragraphs) to local acts; councils' rules on initiatives ask for the same.
    if (
        not draft.heading
        or draft.heading[0].strip().lower() != "projekt"
        or not any(line.lower().startswith("uchwała") for line in draft.heading)
    ):
        error(
            "heading_missing",
            _(
                "The draft must open with the word “Projekt” and the heading "
                "“Uchwała nr … [council] z dnia …”."
            ),
        )
    if not _TITLE.match(draft.title.strip()):
        error(
            "title_missing",
            _("The draft has no title: say what the resolution is about, starting with “w sprawie …”."),
        )
    # A council acts only where a statute empowers it (art. 7 and art. 94 of the Constitution).
    if not _BASIS.search(draft.basis):
        error(
            "legal_basis_missing",
            _(
                "The draft does not give its legal basis: cite the provisions that empower the council "
                "(“Na podstawie art. …”)."
            ),
        )
    if not substantive:
        error(
            "paragraphs_missing",
            _("The draft has no numbered paragraphs (§ 1., § 2., …) saying what the council decides."),
        )
    if not executors:
        error(
            "executor_missing",
            _("The draft does not say who carries it out (“Wykonanie uchwały powierza się …”)."),
        )
    if not entries:
        error(
            "entry_into_force_missing",
            _("The draft does not say when it takes effect (“Uchwała wchodzi w życie …”)."),
        )
    elif draft.is_local_law:
        verdicts = {_local_law_entry_into_force(text) for text in entries}
        if ERROR in verdicts:
            error(
                "entry_into_force_too_early",
                _(
                    "This is an act of local law: it may take effect no sooner than 14 days after its "
                    "publication in the voivodeship's official journal (art. 4 ust. 1 and art. 13 pkt 2 of "
                    "the Act on publishing normative acts)."
                ),
            )
        elif WARNING in verdicts:
            warning(
                "entry_into_force_unclear",
                _(
                    "Check when the resolution takes effect: an act of local law may take effect no sooner "
                    "than 14 days after its publication in the voivodeship's official journal, and the date "
                    "given cannot be checked against that."
                ),
            )

    # The justification: the need and aim, the present state, the expected effects (financial ones included)
    # and the source of funding, the parts art. 34 ust. 2 of the Sejm's rules asks of a bill's justification
    # and councils' rules on initiatives ask of a draft.
    missing = {
        "need": _("The justification does not explain why the resolution is needed and what it is for."),
        "present_state": _("The justification does not describe the present state of affairs."),
        "effects": _("The justification does not describe the expected effects of the resolution."),
        "funding": _("The justification does not name the source of funding (say so if none is needed)."),
    }
    for part, message in missing.items():
        if not getattr(draft.justification, part).strip():
            error(f"justification_{part}_missing", message)

    if _is_budget_subject(draft.title) or any(
        pattern.search(text) for pattern in _BUDGET_BODY for text in substantive
    ):
        error(
            "budget_subject",
            _(
                "Residents cannot propose the budget resolution, its changes or the multi-year financial "
                "forecast: only the executive may (art. 233 of the Public Finance Act; art. 60 ust. 2 pkt 4 "
                "of the Act on gmina self-government). A participatory budget is allowed."
            ),
        )

    effects = draft.justification.effects
    if effects.strip() and not _FINANCIAL.search(effects):
        warning(
            "financial_effects_not_mentioned",
            _(
                "The expected effects say nothing about money: state the financial effects, "
                "or that there are none."
            ),
        )

    title = " ".join(draft.title.split())
    clerk_decides = _("The council office will decide whether the draft can be taken.")
    for code, pattern, message in _outside_competence():
        if pattern.search(title):
            warning(code, f"{message} {clerk_decides}")

    return sorted(findings, key=lambda finding: finding.level != ERROR)


def _local_law_entry_into_force(text: str) -> str | None:
    """ERROR when the text takes effect sooner than 14 days after publication, WARNING when it cannot tell.

    Art. 4 ust. 1 of the act of 20 July 2000 on publishing normative acts: 14 days after publication unless
    the act names a longer period; ust. 2 allows shorter ones only in justified cases, which a citizens'
    draft cannot show in advance, so the platform asks for 14 days.
    """
    period = _AFTER_PERIOD.search(text)
    if period is not None:
        number = period.group("number")
        if number is None:
            count = 1
        elif number.isdigit():
            count = int(number)
        elif number.lower() in _NUMBER_WORDS:
            count = _NUMBER_WORDS[number.lower()]
        else:
            return WARNING
        days = count * _UNIT_DAYS[period.group("unit").lower()[:2]]
        if days < LOCAL_LAW_VACATIO_DAYS or not _FROM_PUBLICATION.search(text):
            return ERROR
        return None
    if _ON_THE_DAY.search(text):
        return ERROR
    return WARNING


def _is_budget_subject(title: str) -> bool:
    title = " ".join(title.split())
    if any(pattern.search(title) for pattern in _BUDGET_ALWAYS):
        return True
    for pattern in _BUDGET_TITLE:
        for match in pattern.finditer(title):
            if _PARTICIPATORY.match(title[match.end("noun") :]):
                continue  # budżet obywatelski: art. 5a ust. 3-7 u.s.g. gives its rules to the council
            if _FUNDING_SOURCE.search(title[: match.start("noun")]):
                continue  # "dotacji z budżetu gminy": the budget is where money comes from, not the subject
            return True
    return False


def _outside_competence() -> list[tuple[str, re.Pattern, str]]:
    """Subjects a council takes only on someone else's motion or by its own procedure: warnings, as the
    clerk decides whether the draft can be taken (translated when called, in the reader's language)."""
    return [
        (
            # Art. 33 ust. 2 u.s.g.: the wójt gives the office its organisational rules by an order.
            "office_rules",
            re.compile(r"regulamin\w*\s+organizacyjn\w*\s+urzęd", re.IGNORECASE),
            _(
                "The organisational rules of the office are set by the executive, not by the council "
                "(art. 33 ust. 2 of the Act on gmina self-government)."
            ),
        ),
        (
            # Art. 28a ust. 2 u.s.g.: a referendum to dismiss the wójt needs a quarter of councillors' motion.
            "executive_dismissal",
            re.compile(r"odwołani\w*\s+(?:wójta|burmistrza|prezydenta|zarządu)", re.IGNORECASE),
            _(
                "A referendum to dismiss the executive may be called only on the motion of at least "
                "a quarter of the councillors (art. 28a ust. 2 of the Act on gmina self-government)."
            ),
        ),
        (
            # Art. 18a ust. 3 u.s.g. (the audit committee's motion) and art. 28aa (the report on the gmina).
            "discharge_or_confidence",
            re.compile(r"absolutori\w*|wotum\s+zaufania", re.IGNORECASE),
            _(
                "Discharge (absolutorium) and the vote of confidence follow their own procedure: the audit "
                "committee's motion and the report on the state of the unit (art. 18a ust. 3 and "
                "art. 28aa of the Act on gmina self-government)."
            ),
        ),
        (
            # Art. 18 ust. 2 pkt 3 u.s.g.: the treasurer is appointed and dismissed on the wójt's motion.
            "treasurer_appointment",
            re.compile(r"(?:powołani|odwołani)\w*\s+skarbnika", re.IGNORECASE),
            _(
                "The treasurer is appointed and dismissed on the executive's motion (art. 18 ust. 2 pkt 3 of "
                "the Act on gmina self-government)."
            ),
        ),
        (
            # Art. 14 and 17 u.p.z.p.: residents may start a plan (since 24.09.2023); the wójt prepares it.
            "plan_adoption",
            re.compile(
                r"uchwaleni\w*\s+(?:zmiany\s+)?(?:miejscowego\s+planu|planu\s+(?:miejscowego|ogólnego))",
                re.IGNORECASE,
            ),
            _(
                "Residents may propose starting work on a local plan (art. 14 of the Spatial Planning Act), "
                "but the plan itself is prepared by the executive in the statutory procedure (art. 17) "
                "before the council adopts it."
            ),
        ),
    ]
