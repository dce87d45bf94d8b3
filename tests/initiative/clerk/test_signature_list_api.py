"""The clerk's signature API (docs/contract.md §Clerks): personas on every endpoint, fields, filters, the
log."""

import pytest
from django.test import Client
from django.utils import translation

from personal_data.models import PersonalDataAccess
from signatures.models import Signature
from tests.initiative.conftest import paper_supporter
from tests.signatures.conftest import valid_pesel


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Every persona signs in with a password here; Django's real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def base(initiative) -> str:
    return f"/api/v1/clerk/initiatives/{initiative.pk}"


def first_id(initiative) -> int:
    return Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True)[0]


def call(client, endpoint: str, initiative):
    """One call of each endpoint with a body that a clerk of the council would have accepted."""
    url, signature = base(initiative), first_id(initiative)
    if endpoint == "list":
        return client.get(f"{url}/signatures/")
    if endpoint == "verdicts":
        return client.post(
            f"{url}/verdicts/", {"verdicts": [{"signature": signature, "valid": True}]}, format="json"
        )
    if endpoint == "csv":
        return client.get(f"{url}/signatures.csv")
    if endpoint == "import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("werdykty.csv", f"id;verdict;reason\r\n{signature};ważny;\r\n".encode())
        return client.post(f"{url}/verdicts.csv", {"file": upload}, format="multipart")
    raise AssertionError(endpoint)


ENDPOINTS = ["list", "verdicts", "csv", "import"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_councils_clerk_with_two_factors_gets_it(
    endpoint, verifying_initiative, clerk_of_gliwice, api_for
):
    response = call(api_for(clerk_of_gliwice), endpoint, verifying_initiative)

    assert response.status_code == 200
    if endpoint in {"verdicts", "import"}:
        assert Signature.objects.get(pk=first_id(verifying_initiative)).verdict == "valid"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", ["clerk_of_katowice", "author", "outsider"])
def test_everybody_else_signed_in_gets_not_found(endpoint, persona, verifying_initiative, api_for, request):
    response = call(api_for(request.getfixturevalue(persona)), endpoint, verifying_initiative)

    assert response.status_code == 404
    assert "first_names" not in response.content.decode()
    assert not Signature.objects.filter(initiative=verifying_initiative).exclude(verdict="unchecked").exists()
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_gets_unauthorized(endpoint, verifying_initiative, api_client):
    assert call(api_client, endpoint, verifying_initiative).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_clerk_session_without_the_code_is_refused(endpoint, verifying_initiative, clerk_of_gliwice):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(clerk_of_gliwice)  # a session, as Django's admin sign-in leaves it: no code given

    assert call(client, endpoint, verifying_initiative).status_code == 403


def test_a_clerk_session_with_the_code_is_enough(verifying_initiative, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)

    response = browser.get(f"{base(verifying_initiative)}/signatures/")

    assert response.status_code == 200
    assert response.json()["count"] == 6


def test_a_clerk_sees_the_initiatives_of_each_council_they_serve(
    verifying_initiative, clerk_of_katowice, api_for
):
    from accounts.models import ClerkMembership

    ClerkMembership.objects.create(user=clerk_of_katowice, unit=verifying_initiative.municipality)

    assert call(api_for(clerk_of_katowice), "list", verifying_initiative).status_code == 200


def test_list_rows_carry_the_contract_fields(verifying_initiative, clerk_of_gliwice, api_for):
    response = api_for(clerk_of_gliwice).get(f"{base(verifying_initiative)}/signatures/")

    body = response.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 6
    first = body["results"][0]
    assert set(first) == {
        "id",
        "first_names",
        "last_name",
        "address",
        "birth_date",
        "citizenship",
        "method",
        "signature_kind",  # "" for paper: tests/signatures/test_trusted_list.py has the electronic kinds
        "signed_on",
        "sheet_number",
        "verdict",
        "reason",
    }
    assert first["signature_kind"] == ""
    expected = paper_supporter(1)  # the first row typed by filed_initiative
    assert first["id"] == first_id(verifying_initiative)
    assert (first["first_names"], first["last_name"], first["address"], first["birth_date"]) == (
        expected["first_names"],
        expected["last_name"],
        expected["address"],
        expected["birth_date"],
    )
    assert (first["method"], first["verdict"], first["reason"], first["sheet_number"]) == (
        "paper",
        "unchecked",
        "",
        1,
    )
    assert [row["id"] for row in body["results"]] == sorted(row["id"] for row in body["results"])


def test_the_pesel_replaces_the_date_of_birth_where_the_rules_ask_for_it(
    pesel_initiative, clerk_of_gliwice, api_for
):
    response = api_for(clerk_of_gliwice).get(f"{base(pesel_initiative)}/signatures/")

    rows = response.json()["results"]
    assert [row["pesel"] for row in rows] == [valid_pesel(number) for number in range(1, 4)]
    assert all("birth_date" not in row for row in rows)


@pytest.fixture
def some_verdicts(verifying_initiative, clerk_of_gliwice):
    from initiative.clerk.verification import verdicts_set

    ids = list(
        Signature.objects.filter(initiative=verifying_initiative).order_by("pk").values_list("pk", flat=True)
    )
    verdicts_set(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        verdicts=[
            {"signature": ids[0], "valid": True},
            {"signature": ids[1], "valid": True},
            {"signature": ids[2], "valid": False, "reason": "under_18"},
        ],
    )
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verdict=valid", [0, 1]),
        ("verdict=invalid", [2]),
        ("verdict=unchecked", [3, 4, 5]),
        ("method=paper", [0, 1, 2, 3, 4, 5]),
        ("method=qes", []),
        ("verdict=valid&method=paper", [0, 1]),
    ],
)
def test_filters(verifying_initiative, clerk_of_gliwice, api_for, some_verdicts, query, expected):
    response = api_for(clerk_of_gliwice).get(f"{base(verifying_initiative)}/signatures/?{query}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [some_verdicts[index] for index in expected]


@pytest.mark.parametrize(("query", "field"), [("verdict=maybe", "verdict"), ("method=fax", "method")])
def test_bad_filter_values_are_400(verifying_initiative, clerk_of_gliwice, api_for, query, field):
    response = api_for(clerk_of_gliwice).get(f"{base(verifying_initiative)}/signatures/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not PersonalDataAccess.objects.exists()


def test_pages_follow_the_projects_format(verifying_initiative, clerk_of_gliwice, api_for):
    client = api_for(clerk_of_gliwice)

    first = client.get(f"{base(verifying_initiative)}/signatures/?page_size=4").json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (6, 4, None)
    assert (len(second["results"]), second["next"]) == (2, None)
    assert client.get(f"{base(verifying_initiative)}/signatures/?page=9").status_code == 404


def test_every_list_call_is_logged_without_personal_data(
    verifying_initiative, clerk_of_gliwice, api_for, some_verdicts
):
    client = api_for(clerk_of_gliwice)

    client.get(f"{base(verifying_initiative)}/signatures/?page_size=4")
    client.get(f"{base(verifying_initiative)}/signatures/?verdict=valid&method=paper")

    logged = list(
        PersonalDataAccess.objects.order_by("pk").values_list(
            "user", "initiative_id", "what", "records", "detail"
        )
    )
    assert logged == [
        (
            clerk_of_gliwice.pk,
            verifying_initiative.pk,
            "signature_list",
            4,
            "page=1 size=4 verdict=all method=all",
        ),
        (
            clerk_of_gliwice.pk,
            verifying_initiative.pk,
            "signature_list",
            2,
            "page=1 size=20 verdict=valid method=paper",
        ),
    ]


def test_the_export_is_logged_with_its_row_count(verifying_initiative, clerk_of_gliwice, api_for):
    response = api_for(clerk_of_gliwice).get(f"{base(verifying_initiative)}/signatures.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 7
    access = PersonalDataAccess.objects.get()
    assert (access.what, access.records, access.detail) == ("csv_export", 6, "")


def test_the_export_answers_csv_whatever_the_client_accepts(verifying_initiative, clerk_of_gliwice, api_for):
    response = api_for(clerk_of_gliwice).get(
        f"{base(verifying_initiative)}/signatures.csv", HTTP_ACCEPT="text/csv"
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("\ufeffid;".encode())


def test_verdicts_answer_with_the_counts(verifying_initiative, clerk_of_gliwice, api_for):
    ids = list(
        Signature.objects.filter(initiative=verifying_initiative).order_by("pk").values_list("pk", flat=True)
    )
    verdicts = [{"signature": pk, "valid": True} for pk in ids[:5]] + [
        {"signature": ids[5], "valid": False, "reason": "not_resident"}
    ]

    response = api_for(clerk_of_gliwice).post(
        f"{base(verifying_initiative)}/verdicts/", {"verdicts": verdicts}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "updated": 6,
        "valid": 5,
        "invalid": 1,
        "unchecked": 0,
        "total": 6,
        "threshold": 5,
        "threshold_met": True,
    }


def test_wrong_verdicts_are_a_400_field_map_and_change_nothing(
    verifying_initiative, clerk_of_gliwice, api_for
):
    signature = first_id(verifying_initiative)

    response = api_for(clerk_of_gliwice).post(
        f"{base(verifying_initiative)}/verdicts/",
        {"verdicts": [{"signature": signature, "valid": True}, {"signature": signature, "valid": False}]},
        format="json",
    )

    assert response.status_code == 400
    (problem,) = response.json()["verdicts"]
    assert problem.startswith(f"item 2, signature {signature}: give the reason")
    assert Signature.objects.get(pk=signature).verdict == "unchecked"


@pytest.mark.parametrize("body", [{}, {"verdicts": "all valid"}, [1, 2]])
def test_a_body_without_a_list_is_400(verifying_initiative, clerk_of_gliwice, api_for, body):
    response = api_for(clerk_of_gliwice).post(f"{base(verifying_initiative)}/verdicts/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["verdicts"]


def test_verdicts_before_the_verification_starts_are_409(filed_initiative, clerk_of_gliwice, api_for):
    client = api_for(clerk_of_gliwice)

    response = call(client, "verdicts", filed_initiative)
    imported = call(client, "import", filed_initiative)

    assert (response.status_code, imported.status_code) == (409, 409)
    assert "under verification" in response.json()["detail"]
    assert call(client, "list", filed_initiative).status_code == 200  # reading is allowed once filed


def test_a_collecting_initiative_is_not_found_for_clerks(
    collecting_initiative, author, clerk_of_gliwice, api_for
):
    from tests.initiative.conftest import sign_on_paper

    sign_on_paper(collecting_initiative, author, 1)

    assert call(api_for(clerk_of_gliwice), "list", collecting_initiative).status_code == 404


def test_import_problems_are_a_400_on_file(verifying_initiative, clerk_of_gliwice, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signature = first_id(verifying_initiative)
    upload = SimpleUploadedFile("v.csv", f"id;verdict;reason\n{signature};nieważny;\n".encode())

    response = api_for(clerk_of_gliwice).post(
        f"{base(verifying_initiative)}/verdicts.csv", {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "line 2: give the reason why the signature is invalid (one of not_in_register, not_resident, "
            "under_18, duplicate, incomplete, illegible, no_original)."
        ]
    }


def test_import_without_a_file_is_400(verifying_initiative, clerk_of_gliwice, api_for):
    response = api_for(clerk_of_gliwice).post(
        f"{base(verifying_initiative)}/verdicts.csv", {}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_the_schema_documents_the_endpoints(db):
    with translation.override("en"):
        schema = Client().get("/api/schema/?format=json").json()

    paths = schema["paths"]
    for path in (
        "/api/v1/clerk/initiatives/{initiative_id}/signatures/",
        "/api/v1/clerk/initiatives/{initiative_id}/verdicts/",
        "/api/v1/clerk/initiatives/{initiative_id}/signatures.csv",
        "/api/v1/clerk/initiatives/{initiative_id}/verdicts.csv",
    ):
        assert path in paths, path
