"""One test per rule of the formal check, on drafts built by hand: the check reads only the draft."""

import dataclasses

import pytest
from django.utils import translation

from legal_templates.formal_check import ERROR, WARNING, formal_check
from legal_templates.rendering import Draft, Justification

GOOD = Draft(
    template_slug="dowolna",
    template_version=1,
    teryt="2466011",
    council_name="Rada Miasta Gliwice",
    heading=("Projekt", "Uchwała nr … / …", "Rady Miasta Gliwice", "z dnia … r."),
    title="w sprawie nadania ulicy nazwy „Ireny Sendlerowej”",
    basis=(
        "Na podstawie art. 18 ust. 2 pkt 13 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym "
        "(Dz. U. z 2024 r. poz. 1465) Rada Miasta Gliwice uchwala, co następuje:"
    ),
    paragraphs=(
        ("Ulicy położonej w dzielnicy Sośnica nadaje się nazwę „Ireny Sendlerowej”.",),
        ("Wykonanie uchwały powierza się Prezydentowi Miasta Gliwice.",),
        (
            "Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym "
            "Województwa Śląskiego.",
        ),
    ),
    is_local_law=True,
    justification=Justification(
        need="Droga nie ma nazwy.",
        present_state="Budynki nie mają numerów porządkowych.",
        effects="Skutki finansowe: tablice z nazwą kosztują 1 500 zł.",
        funding="Wydatki na utrzymanie dróg.",
    ),
)


def check(**changes):
    return formal_check(dataclasses.replace(GOOD, **changes))


def codes(findings, level=None):
    return [finding.code for finding in findings if level is None or finding.level == level]


def with_entry(text, *, local_law=True):
    return check(paragraphs=(*GOOD.paragraphs[:2], (text,)), is_local_law=local_law)


def test_a_good_draft_has_no_findings():
    assert formal_check(GOOD) == []


def test_missing_heading():
    assert codes(check(heading=("Uchwała nr … / …",))) == ["heading_missing"]


@pytest.mark.parametrize("title", ["", "w sprawie", "nadania ulicy nazwy", "   "])
def test_missing_title(title):
    assert codes(check(title=title)) == ["title_missing"]


@pytest.mark.parametrize("basis", ["", "Rada Miasta Gliwice uchwala, co następuje:", "Na podstawie ustawy"])
def test_missing_legal_basis(basis):
    assert codes(check(basis=basis)) == ["legal_basis_missing"]


def test_no_numbered_paragraphs_deciding_anything():
    assert codes(check(paragraphs=GOOD.paragraphs[1:])) == ["paragraphs_missing"]


def test_no_one_carries_it_out():
    assert codes(check(paragraphs=(GOOD.paragraphs[0], GOOD.paragraphs[2]))) == ["executor_missing"]


def test_no_entry_into_force():
    assert codes(check(paragraphs=GOOD.paragraphs[:2])) == ["entry_into_force_missing"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym.", []),
        ("Uchwała wchodzi w życie po upływie 13 dni od dnia ogłoszenia w Dzienniku Urzędowym.", [ERROR]),
        ("Uchwała wchodzi w życie po upływie czternastu dni od dnia jej ogłoszenia.", []),
        ("Uchwała wchodzi w życie po upływie siedmiu dni od dnia ogłoszenia.", [ERROR]),
        ("Uchwała wchodzi w życie po upływie 30 dni od dnia ogłoszenia.", []),
        ("Uchwała wchodzi w życie po upływie 2 tygodni od dnia ogłoszenia.", []),
        ("Uchwała wchodzi w życie po upływie miesiąca od dnia ogłoszenia.", []),
        ("Uchwała wchodzi w życie z dniem ogłoszenia w Dzienniku Urzędowym.", [ERROR]),
        ("Uchwała wchodzi w życie z dniem podjęcia.", [ERROR]),
        ("Uchwała wchodzi w życie po upływie 14 dni od dnia podjęcia.", [ERROR]),
        (
            "Uchwała podlega ogłoszeniu w Dzienniku Urzędowym Województwa Śląskiego i wchodzi w życie po "
            "upływie 14 dni od dnia jej ogłoszenia.",
            [],
        ),
        ("Uchwała wchodzi w życie z dniem 1 stycznia 2027 r.", [WARNING]),
    ],
)
def test_an_act_of_local_law_takes_effect_at_least_14_days_after_publication(entry, expected):
    findings = with_entry(entry)
    assert [finding.level for finding in findings] == expected
    assert set(codes(findings)) <= {"entry_into_force_too_early", "entry_into_force_unclear"}


def test_13_days_is_an_error_citing_the_act_on_publishing_and_14_is_fine():
    findings = with_entry("Uchwała wchodzi w życie po upływie 13 dni od dnia ogłoszenia.")
    assert codes(findings) == ["entry_into_force_too_early"]
    assert "14 dni" in findings[0].message and "art. 4 ust. 1" in findings[0].message
    assert with_entry("Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia.") == []


def test_other_resolutions_may_take_effect_on_adoption():
    assert with_entry("Uchwała wchodzi w życie z dniem podjęcia.", local_law=False) == []


@pytest.mark.parametrize("part", ["need", "present_state", "effects", "funding"])
def test_each_empty_part_of_the_justification(part):
    justification = dataclasses.replace(GOOD.justification, **{part: "  "})
    assert codes(check(justification=justification), ERROR) == [f"justification_{part}_missing"]


def test_effects_that_do_not_mention_money_are_a_warning():
    justification = dataclasses.replace(GOOD.justification, effects="Mieszkańcy łatwiej trafią pod adres.")
    findings = check(justification=justification)
    assert [(finding.level, finding.code) for finding in findings] == [
        (WARNING, "financial_effects_not_mentioned")
    ]


@pytest.mark.parametrize(
    "title",
    [
        "w sprawie budżetu Gminy Irządze na 2026 rok",
        "w sprawie zmian w budżecie Miasta Gliwice na rok 2026",
        "w sprawie zmiany budżetu miasta",
        "w sprawie uchwały budżetowej Miasta Gliwice na rok 2026",
        "w sprawie zmiany uchwały budżetowej na 2026 rok",
        "w sprawie Wieloletniej Prognozy Finansowej Miasta Gliwice",
        "w sprawie zmiany wieloletniej prognozy finansowej",
        "w sprawie zmiany WPF",
        "w sprawie budżetu powiatu tarnogórskiego na rok 2027",
        "w sprawie budżetu województwa śląskiego",
        "w sprawie zwiększenia wydatków budżetu miasta na remont basenu",
        "w sprawie budżetu na 2026 rok",
    ],
)
def test_budget_and_financial_forecast_subjects_are_errors_citing_art_233(title):
    with translation.override("pl"):
        findings = check(title=title)
    assert codes(findings) == ["budget_subject"]
    assert findings[0].level == ERROR
    assert "art. 233 ustawy o finansach publicznych" in findings[0].message
    assert "art. 60 ust. 2 pkt 4" in findings[0].message


@pytest.mark.parametrize(
    "paragraph",
    [
        "Wprowadza się następujące zmiany w budżecie Miasta Gliwice na 2026 rok: zwiększa się wydatki.",
        "Zmienia się uchwałę budżetową Miasta Gliwice na rok 2026.",
        "Zwiększa się plan wydatków budżetu o kwotę 50 000 zł.",
        "Uchwala się budżet Miasta Gliwice na 2026 rok.",
    ],
)
def test_a_body_that_changes_the_budget_is_an_error(paragraph):
    title = "w sprawie remontu basenu miejskiego"
    assert codes(check(title=title, paragraphs=((paragraph,), *GOOD.paragraphs[1:]))) == ["budget_subject"]


@pytest.mark.parametrize(
    "title",
    [
        "w sprawie określenia wymagań, jakie powinien spełniać projekt budżetu obywatelskiego",
        "w sprawie budżetu obywatelskiego Miasta Gliwice na 2026 rok",
        "w sprawie zmian w budżecie obywatelskim",
        "w sprawie zasad budżetu partycypacyjnego",
        "w sprawie określenia zasad udzielania dotacji celowej z budżetu Gminy na wymianę pieców",
        "w sprawie dotacji ze środków budżetu miasta dla klubów sportowych",
    ],
)
def test_participatory_budget_and_the_budget_as_a_source_of_grants_are_allowed(title):
    assert check(title=title) == []


def test_the_participatory_budget_rules_in_the_body_are_allowed():
    paragraph = "Dotacje są udzielane do wysokości środków przeznaczonych na ten cel w uchwale budżetowej."
    assert check(paragraphs=((paragraph,), *GOOD.paragraphs[1:])) == []


def test_spatial_planning_intent_is_allowed():
    title = "w sprawie przystąpienia do sporządzenia miejscowego planu zagospodarowania przestrzennego"
    assert check(title=title) == []


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("w sprawie zmiany regulaminu organizacyjnego Urzędu Miasta Gliwice", "office_rules"),
        ("w sprawie przeprowadzenia referendum w sprawie odwołania Burmistrza", "executive_dismissal"),
        ("w sprawie udzielenia absolutorium Prezydentowi Miasta", "discharge_or_confidence"),
        ("w sprawie udzielenia wotum zaufania", "discharge_or_confidence"),
        ("w sprawie powołania Skarbnika Gminy", "treasurer_appointment"),
        ("w sprawie uchwalenia miejscowego planu zagospodarowania przestrzennego", "plan_adoption"),
    ],
)
def test_subjects_outside_the_councils_own_initiative_are_warnings_for_the_clerk(title, code):
    findings = check(title=title)
    assert [(finding.level, finding.code) for finding in findings] == [(WARNING, code)]


def test_errors_come_before_warnings_and_messages_are_polish():
    justification = dataclasses.replace(GOOD.justification, need="", effects="Będzie lepiej.")
    with translation.override("pl"):
        findings = check(title="w sprawie powołania Skarbnika", justification=justification)
    assert [finding.level for finding in findings] == [ERROR, WARNING, WARNING]
    assert (
        findings[0].message == "Uzasadnienie nie wyjaśnia, dlaczego uchwała jest potrzebna i czemu ma służyć."
    )
