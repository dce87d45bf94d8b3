"""The API against its own OpenAPI schema: generated requests, anonymous and as a committee member, then the
error answers no generated request reaches (a rate limit, a body too large, a session without its CSRF token).

Schemathesis reads `/api/schema/` from the WSGI application and, for every operation, sends requests that
fit the schema and requests that break it, half of them aimed at the seeded initiative, its committee and
its council so the happy paths are reached too. Every answer must be documented (status, content type,
body) and none may be a server error. Each request runs inside a savepoint that is rolled back, so every
case meets the same seeded state (a withdrawal or a member leaving does not spoil the cases after it).
"""

import re
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    collecting_initiative,
    example,
    join_committee,
    paper_row,
    paper_supporter,
    ready_initiative,
    start_initiative,
    templates,
)

pytestmark = pytest.mark.django_db

# What the schema promises of every answer. Not schemathesis' negative_data_rejection: DRF reads an empty
# `?page=` as the first page and a body an operation does not read is ignored, both harmless leniencies.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 6


@contextmanager
def one_connection():
    """Requests run on the test's database connection, inside its transaction. Django closes stale
    connections when a request starts and ends, which would close the test's; its own test client turns
    that off around each request for the same reason, and so do we around the run."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(settings):
    """The project's WSGI application, as a server runs it."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.RATE_LIMITS = False  # hundreds of requests from one address: the limits have a test of their own
    from config.wsgi import application

    return application


@pytest.fixture
def api_schema(wsgi_app):
    with one_connection():
        return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


@pytest.fixture
def seeded(collecting_initiative, author):  # noqa: F811 (the fixture, imported above)
    """Ids of real objects to aim at: the collecting initiative, its committee, Gliwice, a template."""
    member = collecting_initiative.committee_members.exclude(user=author).first()
    fields, justification = example("nazwa-ulicy")
    return {
        "initiative_id": collecting_initiative.pk,
        "member_id": member.pk,
        "teryt": "2466011",
        "slug": "nazwa-ulicy",
        # Bodies that pass every check, so the answers of success are held to the schema too: random data
        # seldom make a lawful draft or a supporter Gliwice's rules accept.
        "bodies": {
            "POST /api/v1/initiatives/": {
                "municipality": "2466011",
                "template": "nazwa-ulicy",
                "fields": fields,
                "justification": justification,
            },
            "POST /api/v1/templates/{slug}/preview/": {
                "municipality": "2466011",
                "fields": fields,
                "justification": justification,
            },
            "POST /api/v1/initiatives/{initiative_id}/signatures/": {
                **paper_supporter(1),
                "email": "poparcie@example.org",
            },
            "POST /api/v1/initiatives/{initiative_id}/paper-signatures/": paper_row(2),
        },
    }


@pytest.fixture
def member_token(author, api_client, seeded):
    answer = api_client.post("/api/v1/auth/token/", {"email": author.email, "password": PASSWORD})
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def case_strategy(operation, seeded: dict):
    """Cases for one operation: valid and invalid, with generated ids and with the seeded ones."""
    names = re.findall(r"{(\w+)}", operation.path)
    known = {name: seeded[name] for name in names if name in seeded}
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if known:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
    return st.one_of(strategies)


def run_operation(operation, seeded: dict, headers: dict) -> None:
    body = seeded["bodies"].get(operation.label)
    if body is not None:
        names = re.findall(r"{(\w+)}", operation.path)
        case = operation.Case(
            path_parameters={name: seeded[name] for name in names},
            body=body,
            media_type="application/json",
        )
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    @given(case=case_strategy(operation, seeded))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,  # the same cases on every run, so CI is stable
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    check()


def operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def run_all(api_schema, seeded: dict, headers: dict) -> None:
    """Every operation in turn; the failures of all of them are reported together."""
    failures = []
    with one_connection():
        for operation in operations(api_schema):
            try:
                run_operation(operation, seeded, headers)
            except Exception as failure:  # collected, then reported at once
                failures.append(f"{operation.label}:\n{failure}")
    assert not failures, "\n\n".join(failures)


def test_anonymous_answers_match_the_schema(api_schema, seeded):
    run_all(api_schema, seeded, headers={})


def test_committee_member_answers_match_the_schema(api_schema, seeded, member_token):
    run_all(api_schema, seeded, headers={"Authorization": f"Token {member_token}"})


def test_error_answers_are_documented_with_their_shapes(api_schema):
    paths = api_schema.raw_schema["paths"]
    expected = {
        ("post", "/api/v1/initiatives/{initiative_id}/open/"): {"401", "403", "404", "409", "503"},
        ("post", "/api/v1/initiatives/{initiative_id}/signatures/"): {"400", "404", "409", "429", "503"},
        ("get", "/api/v1/municipalities/"): {"400", "401", "404", "503"},
        ("get", "/api/v1/clerk/initiatives/{initiative_id}/"): {"401", "403", "404", "503"},
    }
    for (method, path), codes in expected.items():
        responses = paths[path][method]["responses"]
        assert codes <= set(responses), (method, path, sorted(responses))
        for code in codes:
            shape = responses[code]["content"]["application/json"]["schema"]["$ref"]
            assert shape.endswith("/FieldErrors" if code == "400" else "/ErrorDetail"), (path, code)
    assert "429" in paths["/api/v1/initiatives/{initiative_id}/signatures/"]["post"]["responses"]
    assert "429" not in paths["/api/v1/initiatives/{initiative_id}/open/"]["post"]["responses"]
    parent = api_schema.raw_schema["components"]["schemas"]["Municipality"]["properties"]["parent"]
    assert parent["nullable"] is True  # a voivodeship has none


def test_a_rate_limited_answer_matches_the_schema(api_schema, seeded, settings):
    settings.RATE_LIMITS = True
    signing = api_schema["/api/v1/initiatives/{initiative_id}/signatures/"]["POST"]
    case = signing.Case(
        path_parameters={"initiative_id": seeded["initiative_id"]},
        body={"first_names": "", "last_name": "", "address": ""},
        media_type="application/json",
    )
    with one_connection():
        for _attempt in range(200):
            answer = case.call()
            if answer.status_code == 429:
                break
            assert answer.status_code == 400
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"][0]) > 0
    case.validate_response(answer, checks=CHECKS)


def test_a_body_too_large_or_with_too_many_fields_is_a_json_400_as_documented(api_schema, settings):
    confirming = api_schema["/api/v1/signatures/confirm/"]["POST"]
    too_large = confirming.Case(
        body={"token": "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}, media_type="application/json"
    )
    fields = {f"pole{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    too_many = confirming.Case(body=fields, media_type="application/x-www-form-urlencoded")
    for case in (too_large, too_many):
        with one_connection():
            answer = case.call()
        assert answer.status_code == 400
        assert set(answer.json()) == {"detail"}  # a reason, and nothing of what was sent
        assert "aaaa" not in answer.text and "pole" not in answer.text
        case.validate_response(answer, checks=CHECKS)


def test_an_unknown_api_url_is_a_json_404_as_documented(api_schema, wsgi_app):
    detail = api_schema["/api/v1/initiatives/{initiative_id}/"]["GET"]
    case = detail.Case(path_parameters={"initiative_id": "nie-liczba"})
    with one_connection():
        answer = case.call()
        page = schemathesis.python.wsgi.get_client(wsgi_app).get("/nie-ma-takiej-strony/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Nie znaleziono."}
    case.validate_response(answer, checks=CHECKS)
    assert page.status_code == 404 and page.content_type.startswith("text/html")  # pages keep theirs


def test_a_session_without_its_csrf_token_is_a_documented_403(api_schema, seeded, author, client):
    client.force_login(author)
    withdrawing = api_schema["/api/v1/initiatives/{initiative_id}/withdraw/"]["POST"]
    case = withdrawing.Case(
        path_parameters={"initiative_id": seeded["initiative_id"]}, body={}, media_type="application/json"
    )
    with one_connection():
        answer = case.call(cookies={"sessionid": client.cookies["sessionid"].value})
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]
    case.validate_response(answer, checks=CHECKS)
