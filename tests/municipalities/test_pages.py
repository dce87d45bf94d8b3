"""The public pages for people: home, council search and a council's page, in Polish first."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from municipalities.levels import Level
from municipalities.models import Unit

NBSP = "\u00a0"


@pytest.fixture
def resident() -> Client:
    """A resident's browser that sends no language preference: the site's default (Polish) applies."""
    return Client()


def page_text(response) -> str:
    """The visible text, tags stripped and whitespace collapsed, so assertions read like the page."""
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"[ \t\n]+", " ", text)


def result_names(response) -> list[str]:
    return [unit.name for unit in response.context["page"]]


@pytest.mark.django_db
def test_home_is_in_polish_by_default(resident):
    response = resident.get(reverse("home"))

    assert response.status_code == 200
    assert '<html lang="pl">' in response.content.decode()
    text = page_text(response)
    assert "Zaproponuj uchwałę swojej radzie" in text
    assert "obywatelska inicjatywa uchwałodawcza" in text
    assert "nie później niż po 3 miesiącach" in text
    assert "art. 41a ust. 3 u.s.g." in text


@pytest.mark.django_db
def test_home_has_a_search_form_that_goes_to_the_council_search(resident):
    html = resident.get(reverse("home")).content.decode()

    assert f'action="{reverse("council-search")}" method="get"' in html
    assert '<label for="id_search">' in html
    assert 'id="id_search" name="search"' in html


@pytest.mark.django_db
def test_home_states_every_statutory_threshold(resident):
    text = page_text(resident.get(reverse("home")))

    for row in (
        "do 5000 100",
        f"od 5001 do 20{NBSP}000 200",
        f"powyżej 20{NBSP}000 300",
        f"do 100{NBSP}000 300",
        f"powyżej 100{NBSP}000 500",
        "bez względu na liczbę 1000",
    ):
        assert row in text


@pytest.mark.django_db
def test_every_page_offers_the_language_switch_without_javascript(resident, demo_units):
    for url in (reverse("home"), reverse("council-search"), reverse("council-detail", args=["2416032"])):
        html = resident.get(url).content.decode()
        assert f'action="{reverse("set_language")}" method="post"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert f'name="next" value="{url}"' in html
        assert 'name="language" value="en"' in html
        assert "<script" not in html


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("gliwice", ["Gliwice", "Gliwice"]),
        ("GLIWICE", ["Gliwice", "Gliwice"]),
        ("Irzadze", ["Irządze"]),
        ("irządze", ["Irządze"]),
        ("miasteczko slaskie", ["Miasteczko Śląskie"]),
        ("slask", ["śląskie", "Miasteczko Śląskie"]),
    ],
)
def test_search_by_name_ignores_case_and_polish_letters(resident, demo_units, search, expected):
    response = resident.get(reverse("council-search"), {"search": search})

    assert response.status_code == 200
    assert result_names(response) == expected


def test_search_by_terc_prefix(resident, demo_units):
    response = resident.get(reverse("council-search"), {"search": "2466"})

    assert [unit.teryt for unit in response.context["page"]] == ["2466", "2466011"]


def test_search_filters_by_level(resident, demo_units):
    response = resident.get(reverse("council-search"), {"search": "gliwice", "level": Level.GMINA})

    assert [unit.teryt for unit in response.context["page"]] == ["2466011"]
    assert '<option value="gmina" selected>' in response.content.decode()


def test_search_results_show_kind_parent_and_threshold(resident, demo_units):
    text = page_text(resident.get(reverse("council-search"), {"search": "Irzadze"}))

    assert "Znaleziono 1 wynik." in text
    assert "gmina wiejska, powiat zawierciański" in text
    assert "TERC 2416032" in text
    assert "Próg: 100 podpisów" in text


def test_search_results_say_when_the_threshold_is_unknown(resident, demo_units):
    text = page_text(resident.get(reverse("council-search"), {"search": "Siewierz"}))

    assert "nieznany: brak liczby mieszkańców" in text


def test_search_results_send_a_city_with_powiat_rights_to_its_gmina(resident, demo_units):
    text = page_text(resident.get(reverse("council-search"), {"search": "2466"}))

    assert "Próg: 300 podpisów" in text  # the gmina entry
    assert "Inicjatywy składa się do rady miasta jako rady gminy" in text  # the powiat-level entry


def test_search_without_results_says_so(resident, demo_units):
    response = resident.get(reverse("council-search"), {"search": "Xyzzy"})

    assert response.context["page"].paginator.count == 0
    text = page_text(response)
    assert "Nie znaleźliśmy żadnej jednostki dla „Xyzzy”." in text
    assert "Sprawdź pisownię" in text


@pytest.mark.django_db
def test_search_page_without_a_query_shows_only_the_form(resident):
    response = resident.get(reverse("council-search"))

    assert response.context["page"] is None
    html = response.content.decode()
    assert '<label for="id_search">' in html
    assert '<label for="id_level">' in html
    assert "Wyniki" not in html


@pytest.mark.django_db
def test_search_with_an_unknown_level_explains_the_error(resident):
    response = resident.get(reverse("council-search"), {"search": "a", "level": "kanton"})

    assert response.status_code == 200
    assert response.context["page"] is None
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Popraw wyszukiwanie" in html
    assert "Wybierz jeden ze szczebli z listy." in html
    assert 'aria-invalid="true" aria-describedby="id_level_error"' in html


@pytest.mark.django_db
def test_search_with_a_too_long_query_explains_the_error(resident):
    response = resident.get(reverse("council-search"), {"search": "a" * 101})

    html = response.content.decode()
    assert "Popraw wyszukiwanie" in html
    assert 'id="id_search_error"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_search_results_are_paginated_accessibly(resident):
    voivodeship = Unit.objects.create(teryt="30", name="testowe", level=Level.WOJEWODZTWO, kind="województwo")
    powiat = Unit.objects.create(teryt="3001", name="testowy", level=Level.POWIAT, kind="powiat")
    powiat.parent = voivodeship
    powiat.save()
    Unit.objects.bulk_create(
        Unit(
            teryt=f"3001{n:02d}2",
            name=f"Testowo {n:02d}",
            level=Level.GMINA,
            kind="gmina wiejska",
            parent=powiat,
        )
        for n in range(1, 46)
    )

    response = resident.get(reverse("council-search"), {"search": "testowo", "page": 2})

    assert response.context["page"].number == 2
    html = response.content.decode()
    text = page_text(response)
    assert "Znaleziono 45 wyników. Strona 2 z 3." in text
    assert '<nav class="pagination" aria-label="Strony wyników">' in html
    assert '<a href="?search=testowo&amp;page=2" aria-current="page">' in html
    assert '<a href="?search=testowo&amp;page=1" rel="prev">Poprzednia strona</a>' in html
    assert '<a href="?search=testowo&amp;page=3" rel="next">Następna strona</a>' in html


def test_council_page_shows_the_threshold_with_its_statute_and_population(resident, demo_units):
    response = resident.get(reverse("council-detail", args=["2416032"]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Rada Gminy Irządze" in text
    assert "Irządze (gmina wiejska)" in text
    assert "Kod TERC 2416032" in text
    assert "powiat zawierciański" in text
    assert "100 podpisów" in text
    assert "Podstawa prawna: art. 41a ust. 2 ustawy o samorządzie gminnym." in text
    assert f"Liczba mieszkańców: 2{NBSP}579, stan na 31 grudnia 2020 r." in text
    assert "źródło: GUS, Bank Danych Lokalnych" in text


def test_council_page_of_a_powiat_cites_the_powiat_act(resident, demo_units):
    text = page_text(resident.get(reverse("council-detail", args=["2413"])))

    assert "500 podpisów" in text
    assert "art. 42a ust. 2 ustawy o samorządzie powiatowym" in text


def test_council_page_of_a_voivodeship_shows_one_thousand(resident, demo_units):
    text = page_text(resident.get(reverse("council-detail", args=["24"])))

    assert f"1{NBSP}000 podpisów" in text
    assert "art. 89a ust. 2 ustawy o samorządzie województwa" in text


def test_council_page_shows_recorded_local_rules_in_polish(resident, demo_units):
    text = page_text(resident.get(reverse("council-detail", args=["1261011"])))

    assert "Źródło: Uchwała nr II/9/18 z dnia 13 grudnia 2018 r." in text
    assert "co najmniej 5 osób" in text
    assert "komitet musi wskazać pełnomocnika i jego zastępcę" in text
    assert "data urodzenia (numer PESEL nie jest potrzebny)" in text
    assert "podpis własnoręczny na papierowej liście poparcia" in text
    assert "kwalifikowany podpis elektroniczny lub podpis osobisty" in text
    assert "podpis zaufany" in text
    assert "Czas na zbieranie podpisów bez limitu" in text
    assert "Uzupełnienie podpisów, gdy jest ich za mało nie przewidziano" in text


def test_council_page_lists_only_the_forms_of_signature_the_rules_accept(resident, demo_units):
    text = page_text(resident.get(reverse("council-detail", args=["2466011"])))

    assert "Uchwała nr II/25/2018" in text
    assert "komitet może wskazać pełnomocnika" in text
    assert "podpis własnoręczny na papierowej liście poparcia" in text
    assert "podpis zaufany" not in text


def test_council_page_without_own_rules_says_the_defaults_apply(resident, demo_units):
    text = page_text(resident.get(reverse("council-detail", args=["2416032"])))

    assert "Własne zasady tej rady dotyczące inicjatyw nie są zapisane w serwisie." in text
    assert "podpisy wyłącznie na papierze" in text
    assert "Znasz uchwałę tej rady?" in text  # the form that reaches the operators
    assert "Uchwała nr" not in text


def test_council_page_without_population_says_the_threshold_is_unknown(resident, demo_units):
    response = resident.get(reverse("council-detail", args=["2401073"]))

    text = page_text(response)
    assert "Nieznana: brak liczby mieszkańców" in text
    assert "nie można tu rozpocząć zbierania podpisów" in text
    assert "podpisów Podstawa prawna" not in text  # no figure is shown
    assert "Liczba mieszkańców:" not in text


def test_city_with_powiat_rights_points_to_its_gmina(resident, demo_units):
    response = resident.get(reverse("council-detail", args=["2466"]))

    assert response.context["council_unit"].teryt == "2466011"
    html = response.content.decode()
    assert "Gliwice to miasto na prawach powiatu" in page_text(response)
    assert f'href="{reverse("council-detail", args=["2466011"])}"' in html
    assert 'id="threshold-title"' not in html  # no threshold of its own: the gmina's applies
    assert 'id="rules-title"' not in html


def test_unknown_terc_code_is_not_found(resident, demo_units):
    assert resident.get(reverse("council-detail", args=["9999999"])).status_code == 404
    assert resident.get("/councils/not-a-code/").status_code == 404


def test_switching_to_english_applies_to_every_page(resident, demo_units):
    detail = reverse("council-detail", args=["1261011"])

    response = resident.post(reverse("set_language"), {"language": "en", "next": detail})

    assert response.status_code == 302
    assert response["Location"] == detail
    response = resident.get(detail)
    html = response.content.decode()
    assert '<html lang="en">' in html
    text = page_text(response)
    assert "300 signatures" in text
    assert "Source: Resolution no. II/9/18 of Dec. 13, 2018." in text
    assert "the committee must name a representative and a deputy representative" in text
    assert "Propose a resolution to your council" in page_text(resident.get(reverse("home")))

    resident.post(reverse("set_language"), {"language": "pl", "next": detail})
    assert "300 podpisów" in page_text(resident.get(detail))


def test_browser_language_is_honoured_when_nothing_was_chosen(demo_units):
    english_browser = Client(headers={"accept-language": "en-GB,en;q=0.9"})

    assert '<html lang="en">' in english_browser.get(reverse("home")).content.decode()
