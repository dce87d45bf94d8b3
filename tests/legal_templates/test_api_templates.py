import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.legal_templates.conftest import SHIPPED

LIST = "/api/v1/templates/"


@pytest.mark.django_db
def test_the_list_is_public_paginated_and_has_the_contract_fields(catalogue, api_client):
    response = api_client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(SHIPPED)
    street = next(item for item in body["results"] if item["slug"] == "nazwa-ulicy")
    assert street["title"] == "Nadanie nazwy ulicy lub placowi"
    assert street["levels"] == ["gmina"]
    assert street["is_local_law"] is True
    assert street["version"] == 1
    assert street["legal_basis"] == [
        {
            "act": "ustawa z dnia 8 marca 1990 r. o samorządzie gminnym",
            "journal": "Dz. U. z 2024 r. poz. 1465, z późn. zm.",
            "provisions": "art. 18 ust. 2 pkt 13",
            "as_of": "2024-10-04",
        }
    ]
    for field in street["fields"]:
        assert {"name", "label", "type", "required"} <= set(field)
    assert street["fields"][0] == {
        "name": "object_kind",
        "label": "Co otrzymuje nazwę",
        "type": "choice",
        "required": True,
        "help": "",
        "choices": [
            {"value": "ulica", "label": "ulica (droga publiczna)"},
            {"value": "plac", "label": "plac (droga publiczna)"},
            {"value": "droga_wewnetrzna", "label": "droga wewnętrzna"},
        ],
    }


@pytest.mark.django_db
def test_the_list_is_in_catalogue_order_and_costs_a_fixed_number_of_queries(catalogue, api_client):
    with CaptureQueriesContext(connection) as queries:
        slugs = [item["slug"] for item in api_client.get(LIST).json()["results"]]
    assert slugs[0] == "nazwa-ulicy" and slugs[-1] == "dowolna"
    assert len(queries) <= 3  # count, page, newest versions


@pytest.mark.django_db
def test_the_list_filters_by_level(catalogue, api_client):
    powiat = [item["slug"] for item in api_client.get(LIST, {"level": "powiat"}).json()["results"]]
    assert powiat == ["stanowisko-apel", "dowolna"]
    assert api_client.get(LIST, {"level": "kraj"}).status_code == 400


@pytest.mark.django_db
def test_a_field_filled_from_the_council_says_so(catalogue, api_client):
    seniors = api_client.get("/api/v1/templates/rada-seniorow/").json()
    executive = next(field for field in seniors["fields"] if field["name"] == "executive")
    assert executive["type"] == "executive_body" and executive["required"] is False


@pytest.mark.django_db
def test_the_detail_has_the_version_in_force_and_an_example(catalogue, api_client):
    response = api_client.get("/api/v1/templates/dotacje-wymiana-piecow/")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "dotacje-wymiana-piecow"
    assert body["example"]["fields"]["max_grant"] == "12000.00"
    assert set(body["example"]["justification"]) == {"need", "present_state", "effects", "funding"}


@pytest.mark.django_db
def test_an_unknown_template_is_404(catalogue, api_client):
    assert api_client.get("/api/v1/templates/nie-ma-takiego/").status_code == 404


@pytest.mark.django_db
def test_the_schema_describes_the_template_endpoints(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "/api/v1/templates/{slug}/preview/" in (paths or text)
