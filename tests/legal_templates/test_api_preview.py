import pytest

from tests.legal_templates.conftest import GLIWICE, IRZADZE, POWIAT_TARNOGORSKI

STREET = "/api/v1/templates/nazwa-ulicy/preview/"
FREE_FORM = "/api/v1/templates/dowolna/preview/"
JUSTIFICATION = {
    "need": "Droga nie ma nazwy.",
    "present_state": "Budynki nie mają numerów.",
    "effects": "Koszt tablic: 1 500 zł.",
    "funding": "Wydatki na drogi.",
}
STREET_FIELDS = {"object_kind": "ulica", "new_name": "Ireny Sendlerowej", "location": "w dzielnicy Sośnica"}


def preview(api_client, url=STREET, **body):
    body = {"municipality": GLIWICE, "fields": STREET_FIELDS, "justification": JUSTIFICATION, **body}
    return api_client.post(url, body, format="json")


@pytest.mark.django_db
def test_an_anonymous_preview_answers_text_html_and_the_formal_check(catalogue, demo_units, api_client):
    response = preview(api_client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"text", "html", "formal_check"}
    assert body["text"].startswith("Projekt\n\nUchwała nr … / …\nRady Miasta Gliwice\nz dnia … r.\n")
    assert "§ 2. Wykonanie uchwały powierza się Prezydentowi Miasta Gliwice." in body["text"]
    assert '<article class="draft" lang="pl"' in body["html"]
    assert body["formal_check"] == []
    assert (body["template"], body["version"]) == ("nazwa-ulicy", 1)
    assert body["title"] == "w sprawie nadania ulicy nazwy „Ireny Sendlerowej”"


@pytest.mark.django_db
def test_the_formal_check_answers_level_and_message_in_polish(catalogue, demo_units, api_client):
    response = preview(api_client, justification={**JUSTIFICATION, "funding": ""})

    assert response.status_code == 200
    assert response.json()["formal_check"] == [
        {
            "level": "error",
            "code": "justification_funding_missing",
            "message": (
                "Uzasadnienie nie wskazuje źródła finansowania (jeśli nie jest potrzebne, napiszcie to)."
            ),
        }
    ]


@pytest.mark.django_db
def test_a_free_form_budget_draft_renders_with_an_error_citing_art_233(catalogue, demo_units, api_client):
    fields = {
        "subject": "zmian w budżecie Gminy Irządze na 2026 rok",
        "legal_basis": "art. 18 ust. 2 pkt 4 ustawy o samorządzie gminnym",
        "paragraphs": "Zwiększa się plan wydatków budżetu o 100 000 zł.",
        "local_law": "nie",
    }
    response = preview(api_client, url=FREE_FORM, municipality=IRZADZE, fields=fields)

    assert response.status_code == 200
    [finding] = response.json()["formal_check"]
    assert finding["level"] == "error" and "art. 233 ustawy o finansach publicznych" in finding["message"]


@pytest.mark.django_db
def test_bad_field_values_are_400_with_a_map_of_field_names(catalogue, demo_units, api_client):
    fields = {"object_kind": "rondo", "new_name": "", "location": "w dzielnicy\nSośnica", "colour": "red"}
    response = preview(api_client, fields=fields, justification={"need": 5, "effects": "ok"})

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"fields", "justification"}
    assert set(body["fields"]) == {"object_kind", "new_name", "location", "colour"}
    assert body["fields"]["new_name"] == ["To pole jest wymagane."]
    assert all(isinstance(messages, list) and messages for messages in body["fields"].values())
    assert set(body["justification"]) == {"need"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("municipality", "key"),
    [
        ("9999999", "municipality"),  # no such unit
        ("12345", "municipality"),  # not a TERC code
        ("2466", "municipality"),  # the city with powiat rights: initiatives go to its gmina entry
        (POWIAT_TARNOGORSKI, "template"),  # naming streets is for gminas
    ],
)
def test_an_unknown_municipality_or_one_the_template_is_not_for_is_400(
    catalogue, demo_units, api_client, municipality, key
):
    response = preview(api_client, municipality=municipality)
    assert response.status_code == 400
    assert list(response.json()) == [key]


@pytest.mark.django_db
def test_the_shape_is_checked(catalogue, demo_units, api_client):
    response = api_client.post(STREET, {"municipality": GLIWICE, "fields": "ulica"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["fields"]


@pytest.mark.django_db
def test_an_unknown_template_is_404(catalogue, demo_units, api_client):
    assert preview(api_client, url="/api/v1/templates/nie-ma/preview/").status_code == 404


@pytest.mark.django_db
def test_html_in_values_comes_back_escaped(catalogue, demo_units, api_client):
    response = preview(api_client, fields={**STREET_FIELDS, "new_name": "<script>alert(1)</script>"})

    body = response.json()
    assert "<script>" not in body["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body["html"]
    assert "„<script>alert(1)</script>”" in body["text"]
