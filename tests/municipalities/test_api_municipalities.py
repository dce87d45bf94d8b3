import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

LIST = "/api/v1/municipalities/"


def names(response):
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.django_db
def test_detail_answers_every_contract_field(demo_units, api_client):
    response = api_client.get("/api/v1/municipalities/2466011/")
    assert response.status_code == 200
    body = response.json()
    assert {
        "teryt": body["teryt"],
        "name": body["name"],
        "level": body["level"],
        "kind": body["kind"],
        "population": body["population"],
        "population_as_of": body["population_as_of"],
        "signature_threshold": body["signature_threshold"],
        "council_name": body["council_name"],
    } == {
        "teryt": "2466011",
        "name": "Gliwice",
        "level": "gmina",
        "kind": "gmina miejska",
        "population": 178603,
        "population_as_of": "2019-12-31",
        "signature_threshold": 300,
        "council_name": "Rada Miasta Gliwice",
    }
    assert body["rules"] == {
        "teryt": "2466011",
        "resolution": "II/25/2018",
        "adopted_on": "2018-12-13",
        "committee_min": 5,
        "representative": "optional",
        "identifier": "birth_date",
        "signature_methods": ["paper"],
        "collection_days": None,
        "verification_days": None,
        "supplement_days": None,
        "version": 1,
        # What the resolution itself states: optional, empty where the file gave nothing.
        "title": "",
        "in_force_from": None,
        "journal": "",
        "source_url": "",
        "annulled_on": None,
        "annulment": "",
        "chair_notice": False,
        "filing_months_after_notice": None,
        "esign_note": "",
        "filing": "",
        "contact_required": False,
    }


@pytest.mark.django_db
def test_unit_without_population_has_unknown_threshold_and_default_rules(demo_units, api_client):
    body = api_client.get("/api/v1/municipalities/2401073/").json()
    assert body["population"] is None and body["signature_threshold"] is None
    assert body["rules"]["version"] is None and body["rules"]["resolution"] is None
    assert body["rules"]["signature_methods"] == ["paper"]  # the statute knows no electronic support


@pytest.mark.django_db
def test_unknown_code_is_404(demo_units, api_client):
    assert api_client.get("/api/v1/municipalities/0000000/").status_code == 404


@pytest.mark.django_db
def test_list_is_paginated_as_the_contract_says(demo_units, api_client):
    body = api_client.get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 14  # the demo subset: 2 voivodeships, 5 powiats, 7 gminas


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("Bedzin", ["będziński"]),
        ("irzadze", ["Irządze"]),
        ("IRZĄDZE", ["Irządze"]),
        ("miasteczko sl", ["Miasteczko Śląskie"]),
        ("slaskie", ["Miasteczko Śląskie", "śląskie"]),
        ("Śląsk", ["Miasteczko Śląskie", "śląskie"]),
        ("krak", ["Kraków", "Kraków"]),
    ],
)
def test_search_by_name_prefix_ignores_accents_and_case(demo_units, api_client, search, expected):
    assert sorted(names(api_client.get(LIST, {"search": search}))) == sorted(expected)


@pytest.mark.django_db
def test_search_by_name_prefix_ranks_before_word_match(demo_units, api_client):
    assert names(api_client.get(LIST, {"search": "sl"}))[0] == "śląskie"


@pytest.mark.django_db
def test_search_by_terc_prefix_and_level_filter(demo_units, api_client):
    teryts = [item["teryt"] for item in api_client.get(LIST, {"search": "2466"}).json()["results"]]
    assert teryts == ["2466", "2466011"]
    body = api_client.get(LIST, {"search": "24", "level": "powiat"}).json()
    assert [item["teryt"] for item in body["results"]] == ["2401", "2413", "2416", "2466", "2469"]
    assert {item["level"] for item in api_client.get(LIST, {"level": "wojewodztwo"}).json()["results"]} == {
        "wojewodztwo"
    }


@pytest.mark.django_db
def test_invalid_level_is_400_with_a_field_map(demo_units, api_client):
    response = api_client.get(LIST, {"level": "county"})
    assert response.status_code == 400
    assert list(response.json()) == ["level"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_the_page(demo_units, api_client):
    with CaptureQueriesContext(connection) as queries:
        api_client.get(LIST, {"page_size": 50})
    assert len(queries) <= 3  # count, page, rules in force for the page


@pytest.mark.django_db
def test_city_entry_at_powiat_level_has_no_threshold_of_its_own(demo_units, api_client):
    assert api_client.get("/api/v1/municipalities/2466/").json()["signature_threshold"] is None


@pytest.mark.django_db
def test_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/municipalities/{teryt}/" in schema.content
    assert api_client.get("/api/docs/").status_code == 200
