import datetime
from decimal import Decimal

import pytest

from legal_templates.fields import clean_values, json_values
from legal_templates.formal_check import formal_check
from legal_templates.rendering import (
    DraftError,
    act_genitive,
    cited_provisions,
    format_date,
    format_integer,
    format_money,
    render_draft,
    render_draft_html,
)
from tests.legal_templates.conftest import GLIWICE, IRZADZE, KRAKOW, POWIAT_TARNOGORSKI

STREET = {
    "object_kind": "ulica",
    "new_name": "Ireny Sendlerowej",
    "location": "w dzielnicy Sośnica, od ulicy Kozielskiej do ulicy Łąkowej",
}
JUSTIFICATION = {
    "need": "Droga nie ma nazwy.",
    "present_state": "Budynki nie mają numerów.",
    "effects": "Koszt tablic 1 500 zł.",
    "funding": "Wydatki na drogi.",
}


def free_form(**values):
    return {
        "subject": "nadania honorowego obywatelstwa",
        "legal_basis": "art. 18 ust. 2 pkt 14 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym",
        "paragraphs": "Nadaje się honorowe obywatelstwo.",
        "local_law": "nie",
        **values,
    }


@pytest.mark.django_db
def test_a_draft_has_the_standard_form_of_a_local_resolution(version, unit):
    draft = render_draft(
        version("nazwa-ulicy"), unit=unit(GLIWICE), values=STREET, justification=JUSTIFICATION
    )

    assert draft.as_text() == (
        "Projekt\n"
        "\n"
        "Uchwała nr … / …\n"
        "Rady Miasta Gliwice\n"
        "z dnia … r.\n"
        "\n"
        "w sprawie nadania ulicy nazwy „Ireny Sendlerowej”\n"
        "\n"
        "Na podstawie art. 18 ust. 2 pkt 13 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym "
        "(Dz. U. z 2024 r. poz. 1465, z późn. zm.) Rada Miasta Gliwice uchwala, co następuje:\n"
        "\n"
        "§ 1. Ulicy będącej drogą publiczną, położonej w dzielnicy Sośnica, od ulicy Kozielskiej do ulicy "
        "Łąkowej, nadaje się nazwę „Ireny Sendlerowej”.\n"
        "\n"
        "§ 2. Wykonanie uchwały powierza się Prezydentowi Miasta Gliwice.\n"
        "\n"
        "§ 3. Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym "
        "Województwa Śląskiego.\n"
        "\n"
        "Uzasadnienie\n"
        "\n"
        "Potrzeba i cel podjęcia uchwały\n"
        "Droga nie ma nazwy.\n"
        "\n"
        "Stan obecny w dziedzinie, której dotyczy uchwała\n"
        "Budynki nie mają numerów.\n"
        "\n"
        "Przewidywane skutki, w tym skutki finansowe\n"
        "Koszt tablic 1 500 zł.\n"
        "\n"
        "Źródła finansowania\n"
        "Wydatki na drogi.\n"
    )
    assert draft.is_local_law
    assert (draft.template_slug, draft.template_version, draft.teryt) == ("nazwa-ulicy", 1, GLIWICE)


@pytest.mark.django_db
def test_acts_of_local_law_are_published_in_the_journal_of_the_units_voivodeship(version, unit):
    draft = render_draft(
        version("nazwa-ulicy"), unit=unit(KRAKOW), values=STREET, justification=JUSTIFICATION
    )

    assert draft.heading[2] == "Rady Miasta Krakowa"
    assert draft.paragraphs[-2] == ("Wykonanie uchwały powierza się Prezydentowi Miasta Krakowa.",)
    assert draft.paragraphs[-1] == (
        "Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia w Dzienniku Urzędowym Województwa "
        "Małopolskiego.",
    )


@pytest.mark.django_db
def test_other_resolutions_take_effect_on_adoption_and_a_position_is_carried_out_by_the_chair(version, unit):
    template_version = version("stanowisko-apel")
    draft = render_draft(
        template_version,
        unit=unit(POWIAT_TARNOGORSKI),
        values=template_version.example,
        justification=JUSTIFICATION,
    )

    assert not draft.is_local_law
    assert draft.paragraphs[-2:] == (
        ("Wykonanie uchwały powierza się Przewodniczącemu Rady Powiatu Tarnogórskiego.",),
        ("Uchwała wchodzi w życie z dniem podjęcia.",),
    )


@pytest.mark.django_db
def test_a_rural_gmina_entrusts_its_wojt(version, unit):
    draft = render_draft(
        version("nazwa-ulicy"), unit=unit(IRZADZE), values=STREET, justification=JUSTIFICATION
    )
    assert draft.paragraphs[-2] == ("Wykonanie uchwały powierza się Wójtowi Gminy Irządze.",)


@pytest.mark.django_db
def test_an_optional_paragraph_appears_only_when_it_applies(version, unit):
    internal_road = {**STREET, "object_kind": "droga_wewnetrzna", "owner_consent": "Spółdzielnia „Sośnica”"}
    street = render_draft(version("nazwa-ulicy"), unit=unit(GLIWICE), values=STREET, justification={})
    road = render_draft(version("nazwa-ulicy"), unit=unit(GLIWICE), values=internal_road, justification={})

    assert len(street.paragraphs) == 3
    assert len(road.paragraphs) == 4
    assert road.title == "w sprawie nadania drodze wewnętrznej nazwy „Ireny Sendlerowej”"
    assert road.paragraphs[1] == (
        "Nazwę drogi wewnętrznej nadaje się za zgodą właściciela terenu, na którym droga jest położona: "
        "Spółdzielnia „Sośnica”.",
    )


@pytest.mark.django_db
def test_typed_values_are_data_never_markup_or_template_code(version, unit):
    values = free_form(
        subject="<script>alert('x')</script> {{ secret }}",
        paragraphs="<b>Pogrubione</b> {% now 'Y' %} & więcej",
    )
    justification = {**JUSTIFICATION, "need": '<img src=x onerror="alert(1)">'}
    draft = render_draft(version("dowolna"), unit=unit(GLIWICE), values=values, justification=justification)
    html = render_draft_html(draft)

    assert draft.title == "w sprawie <script>alert('x')</script> {{ secret }}"
    assert draft.paragraphs[0] == ("<b>Pogrubione</b> {% now 'Y' %} & więcej",)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; {{ secret }}" in html
    assert "&lt;b&gt;Pogrubione&lt;/b&gt; {% now &#x27;Y&#x27; %} &amp; więcej" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.django_db
def test_the_html_fragment_is_a_polish_article_with_headings_and_numbered_paragraphs(version, unit):
    draft = render_draft(
        version("nazwa-ulicy"), unit=unit(GLIWICE), values=STREET, justification=JUSTIFICATION
    )
    html = render_draft_html(draft, id_prefix="preview")

    assert '<article class="draft" lang="pl" aria-labelledby="preview-heading">' in html
    assert '<h2 class="draft__heading" id="preview-heading">' in html
    assert '<span class="draft__paragraph-number">§ 3.</span> Uchwała wchodzi w życie' in html
    assert '<h3 id="preview-justification">Uzasadnienie</h3>' in html
    assert "<p>Droga nie ma nazwy.</p>" in html


@pytest.mark.django_db
def test_free_form_paragraphs_are_split_on_blank_lines_and_numbered_by_the_platform(version, unit):
    values = free_form(paragraphs="§ 1. Pierwszy.\n1. ustęp\n2. ustęp\n\n\n§ 2 Drugi.")
    draft = render_draft(version("dowolna"), unit=unit(GLIWICE), values=values, justification={})

    assert draft.paragraphs[:2] == (("Pierwszy.", "1. ustęp", "2. ustęp"), ("Drugi.",))
    assert "§ 1. Pierwszy.\n1. ustęp\n2. ustęp\n\n§ 2. Drugi.\n\n§ 3. Wykonanie" in draft.as_text()


@pytest.mark.django_db
def test_a_committees_own_closing_paragraphs_replace_the_standard_ones_at_the_end(version, unit):
    values = free_form(
        paragraphs=(
            "Uchwała wchodzi w życie z dniem ogłoszenia.\n\n"
            "Wykonanie uchwały powierza się Skarbnikowi.\n\n"
            "Nadaje się honorowe obywatelstwo."
        ),
        local_law="tak",
    )
    draft = render_draft(version("dowolna"), unit=unit(GLIWICE), values=values, justification=JUSTIFICATION)

    assert draft.is_local_law
    assert draft.paragraphs == (
        ("Nadaje się honorowe obywatelstwo.",),
        ("Wykonanie uchwały powierza się Skarbnikowi.",),
        ("Uchwała wchodzi w życie z dniem ogłoszenia.",),
    )
    assert [finding.code for finding in formal_check(draft)] == ["entry_into_force_too_early"]


@pytest.mark.django_db
def test_free_form_marked_as_local_law_gets_the_standard_vacatio_legis(version, unit):
    draft = render_draft(
        version("dowolna"), unit=unit(GLIWICE), values=free_form(local_law="tak"), justification={}
    )
    assert draft.is_local_law
    assert draft.paragraphs[-1][0].startswith("Uchwała wchodzi w życie po upływie 14 dni od dnia ogłoszenia")


@pytest.mark.django_db
def test_free_form_basis_and_title_typed_with_their_opening_words_are_not_doubled(version, unit):
    values = free_form(subject="w sprawie nadania tytułu", legal_basis="Na podstawie art. 18 ust. 1 ustawy,")
    draft = render_draft(version("dowolna"), unit=unit(GLIWICE), values=values, justification={})

    assert draft.title == "w sprawie nadania tytułu"
    assert draft.basis == "Na podstawie art. 18 ust. 1 ustawy Rada Miasta Gliwice uchwala, co następuje:"


@pytest.mark.django_db
def test_dates_amounts_and_numbers_are_written_the_polish_way(version, unit):
    template_version = version("dotacje-wymiana-piecow")
    values = {**template_version.example, "max_grant": "12500.5", "grant_percent": 40}
    draft = render_draft(template_version, unit=unit(GLIWICE), values=values, justification={})

    assert "Dotacja wynosi 40% kosztów kwalifikowanych, nie więcej niż 12\u00a0500,50 zł" in draft.as_text()
    assert format_date(datetime.date(2026, 3, 5)) == "5 marca 2026"
    assert format_money(Decimal("1234567.00")) == "1\u00a0234\u00a0567,00"
    assert (format_integer(1500), format_integer(12500)) == ("1500", "12\u00a0500")


@pytest.mark.django_db
def test_cleaned_values_stored_as_json_render_the_same_draft(version, unit):
    template_version = version("dotacje-wymiana-piecow")
    cleaned, errors = clean_values(template_version, {**template_version.example, "max_grant": 9000})
    assert errors == {}

    first = render_draft(template_version, unit=unit(GLIWICE), values=cleaned, justification=JUSTIFICATION)
    again = render_draft(
        template_version, unit=unit(GLIWICE), values=json_values(cleaned), justification=JUSTIFICATION
    )
    assert first == again


@pytest.mark.django_db
def test_a_unit_of_another_level_or_bad_values_make_no_draft(version, unit):
    with pytest.raises(DraftError) as raised:
        render_draft(version("nazwa-ulicy"), unit=unit(POWIAT_TARNOGORSKI), values=STREET, justification={})
    assert list(raised.value.errors) == ["template"]

    with pytest.raises(DraftError) as raised:
        render_draft(
            version("nazwa-ulicy"),
            unit=unit(GLIWICE),
            values={**STREET, "object_kind": "rondo"},
            justification={"need": 7},
        )
    assert set(raised.value.errors["fields"]) == {"object_kind"}
    assert set(raised.value.errors["justification"]) == {"need"}


def test_provisions_are_cited_in_the_genitive_and_joined_as_polish_lists_them():
    basis = [
        {"act": "ustawa A", "journal": "Dz. U. 1", "provisions": "art. 1"},
        {"act": "ustawa B", "journal": "Dz. U. 2", "provisions": "art. 2", "levels": ["powiat"]},
        {"act": "rozporządzenie C", "journal": "Dz. U. 3", "provisions": "§ 3"},
    ]
    assert (
        cited_provisions(basis, "gmina") == "art. 1 ustawy A (Dz. U. 1) oraz § 3 rozporządzenia C (Dz. U. 3)"
    )
    assert cited_provisions(basis, "powiat") == (
        "art. 1 ustawy A (Dz. U. 1), art. 2 ustawy B (Dz. U. 2) oraz § 3 rozporządzenia C (Dz. U. 3)"
    )
    dash = "\N{EN DASH}"  # as in the act's title in the journal
    assert act_genitive(f"ustawa z dnia 27 kwietnia 2001 r. {dash} Prawo ochrony środowiska") == (
        f"ustawy z dnia 27 kwietnia 2001 r. {dash} Prawo ochrony środowiska"
    )
