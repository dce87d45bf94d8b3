"""The contract's initiative and committee endpoints, with personas (docs/contract.md §Initiatives)."""

import re

import pytest
from django.core import mail

from initiative.models import Initiative
from tests.initiative.conftest import example

LIST = "/api/v1/initiatives/"


def signed_in(api_client, user):
    api_client.force_authenticate(user)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages are matched in English below
    return api_client


def create_payload(slug="nazwa-ulicy", teryt="2466011", **changes):
    fields, justification = example(slug)
    fields.update(changes)
    return {"municipality": teryt, "template": slug, "fields": fields, "justification": justification}


@pytest.mark.django_db
def test_anonymous_cannot_create(api_client, demo_units, templates):
    response = api_client.post(LIST, create_payload(), format="json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_create_answers_201_with_the_draft_and_its_formal_check(api_client, author, demo_units, templates):
    response = signed_in(api_client, author).post(LIST, create_payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["municipality"] == {"teryt": "2466011", "name": "Gliwice", "level": "gmina"}
    assert body["formal_check"] == []
    assert body["signature_count"] == 0 and body["signature_threshold"] == 300
    assert body["threshold_reached"] is False
    assert body["timeline"][0]["status"] == "draft"
    for name in ("opened_at", "collection_ends_at", "submitted_at", "consideration_deadline"):
        assert body[name] is None


@pytest.mark.django_db
def test_create_with_a_warning_still_saves_the_draft(api_client, author, demo_units, templates):
    fields, justification = example("nazwa-ulicy")
    justification["effects"] = "Ulica będzie miała nazwę."
    payload = {
        "municipality": "2466011",
        "template": "nazwa-ulicy",
        "fields": fields,
        "justification": justification,
    }
    body = signed_in(api_client, author).post(LIST, payload, format="json").json()
    assert {finding["level"] for finding in body["formal_check"]} == {"warning"}
    assert Initiative.objects.filter(pk=body["id"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"municipality": "9999999", "template": "nazwa-ulicy"}, "municipality"),
        ({"municipality": "2466011", "template": "no-such-template"}, "template"),
        ({"municipality": "2466", "template": "dowolna"}, "municipality"),
        ({"municipality": "2413", "template": "nazwa-ulicy"}, "template"),
    ],
)
def test_create_with_bad_references_is_400_with_a_field_map(
    api_client, author, demo_units, templates, payload, field
):
    response = signed_in(api_client, author).post(LIST, {**payload, "fields": {}}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Initiative.objects.exists()


@pytest.mark.django_db
def test_create_with_bad_field_values_names_each_field(api_client, author, demo_units, templates):
    payload = create_payload(new_name="", colour="red")
    response = signed_in(api_client, author).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert {"fields.new_name", "fields.colour"} <= set(response.json())
    assert not Initiative.objects.exists()


@pytest.mark.django_db
def test_drafts_are_seen_only_by_their_committee(
    api_client, start_initiative, author, outsider, clerk_of_gliwice
):
    draft = start_initiative(author)
    assert api_client.get(LIST).json()["count"] == 0
    assert api_client.get(f"{LIST}{draft.pk}/").status_code == 404
    for persona in (outsider, clerk_of_gliwice):
        assert signed_in(api_client, persona).get(f"{LIST}{draft.pk}/").status_code == 404
    assert signed_in(api_client, author).get(f"{LIST}{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_nobody_outside_the_committee_can_change_an_initiative(
    api_client, start_initiative, collecting_initiative, author, outsider, clerk_of_gliwice, resident
):
    draft = start_initiative(author)
    for persona in (outsider, clerk_of_gliwice, resident):
        client = signed_in(api_client, persona)
        for initiative in (draft, collecting_initiative):
            for action in ("open", "withdraw"):
                assert client.post(f"{LIST}{initiative.pk}/{action}/").status_code == 404
            assert client.patch(f"{LIST}{initiative.pk}/", {"fields": {}}, format="json").status_code == 404
            response = client.post(
                f"{LIST}{initiative.pk}/committee/invitations/", {"email": "x@example.org"}
            )
            assert response.status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(f"{LIST}{draft.pk}/withdraw/").status_code == 401
    assert Initiative.objects.get(pk=draft.pk).status == "draft"
    assert Initiative.objects.get(pk=collecting_initiative.pk).status == "collecting"


@pytest.mark.django_db
def test_committee_forms_by_e_mail_invitation_and_the_draft_opens(
    api_client, start_initiative, author, make_user, django_capture_on_commit_callbacks, settings
):
    draft = start_initiative(author)
    client = signed_in(api_client, author)
    response = client.post(f"{LIST}{draft.pk}/open/")
    assert response.status_code == 409 and "at least 5 members" in response.json()["detail"]

    declaration = {
        "full_name": "Adam Autor",
        "address": "ul. Zwycięstwa 1, Gliwice",
        "role": "representative",
    }
    assert client.post(f"{LIST}{draft.pk}/committee/declaration/", declaration).status_code == 200
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"{LIST}{draft.pk}/committee/invitations/", {"email": f"c{number}@example.org"}
            )
        assert response.status_code == 201
        link = re.search(rf"{re.escape(settings.SITE_URL)}/committee/accept/([^/\s]+)/", mail.outbox[-1].body)
        assert link, mail.outbox[-1].body
        member = make_user(f"c{number}@example.org")
        accept = {
            "token": link.group(1),
            "full_name": f"Członek {'ABCD'[number]}",  # a name holds letters only
            "address": "Gliwice",
            "role": "member",
        }
        response = signed_in(api_client, member).post("/api/v1/committee/accept/", accept)
        assert response.status_code == 200, response.json()
        assert signed_in(api_client, member).post("/api/v1/committee/accept/", accept).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(api_client, author).post(f"{LIST}{draft.pk}/open/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "collecting" and body["opened_at"]
    assert [entry["status"] for entry in body["timeline"]] == ["draft", "collecting"]
    assert len(body["committee"]) == 5 and {m["role"] for m in body["committee"]} == {
        "member",
        "representative",
    }
    assert "address" not in body["committee"][0]
    assert api_client.get(LIST).json()["count"] == 1
    assert signed_in(api_client, author).post(f"{LIST}{draft.pk}/open/").status_code == 409


@pytest.mark.django_db
def test_invitation_token_is_single_use_and_tamper_proof(
    api_client, start_initiative, author, make_user, resident
):
    from initiative.committee import committee_invite
    from initiative.tokens import invitation_token

    draft = start_initiative(author)
    invitation = committee_invite(initiative_id=draft.pk, actor=author, email="a@example.org")
    token = invitation_token(invitation.pk)
    accept = {"full_name": "Anna", "address": "Gliwice", "role": "member"}
    response = signed_in(api_client, resident).post(
        "/api/v1/committee/accept/", {**accept, "token": token + "x"}
    )
    assert response.status_code == 400 and "token" in response.json()
    assert (
        signed_in(api_client, resident)
        .post("/api/v1/committee/accept/", {**accept, "token": token})
        .status_code
        == 200
    )
    other = make_user("b@example.org")
    response = signed_in(api_client, other).post("/api/v1/committee/accept/", {**accept, "token": token})
    assert response.status_code == 400 and "already been used" in response.json()["token"][0]


@pytest.mark.django_db
def test_withdraw_through_the_api_then_409(api_client, collecting_initiative, author):
    client = signed_in(api_client, author)
    response = client.post(f"{LIST}{collecting_initiative.pk}/withdraw/", {"reason": "Porozumienie z radą"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = client.post(f"{LIST}{collecting_initiative.pk}/withdraw/")
    assert response.status_code == 409 and "detail" in response.json()


@pytest.mark.django_db
def test_public_list_filters_by_council_and_status(api_client, collecting_initiative):
    assert api_client.get(LIST, {"municipality": "2466011"}).json()["count"] == 1
    assert api_client.get(LIST, {"municipality": "2469011"}).json()["count"] == 0
    assert api_client.get(LIST, {"status": "collecting"}).json()["count"] == 1
    assert api_client.get(LIST, {"status": "adopted"}).json()["count"] == 0
    assert api_client.get(LIST, {"status": "nonsense"}).status_code == 400


@pytest.mark.django_db
def test_templates_are_listed_as_the_contract_says(api_client, templates):
    body = api_client.get("/api/v1/templates/").json()
    assert body["count"] >= 9
    first = body["results"][0]
    assert {"slug", "title", "levels", "fields"} <= set(first)
    assert {"name", "label", "type", "required"} <= set(first["fields"][0])


@pytest.mark.django_db
def test_refusals_are_in_polish_by_default(api_client, start_initiative, author):
    draft = start_initiative(author)
    api_client.force_authenticate(author)
    response = api_client.post(f"{LIST}{draft.pk}/open/")
    assert response.status_code == 409
    assert "co najmniej 5" in response.json()["detail"]
    english = api_client.post(f"{LIST}{draft.pk}/open/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "at least 5 members" in english
