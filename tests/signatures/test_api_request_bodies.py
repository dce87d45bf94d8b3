"""Request bodies of the API are bounded before they are parsed (config/api_parsers.py, the upload parser
limits in config/settings.py; docs/security.md "Parsing uploads: budgets").

Within Django's 2.5 MiB, DRF's own JSON parser made a Python object of every value (800,000 empty lists,
about 60 MiB) and let 100,000 nested brackets reach the recursion limit.
"""

import io

import pytest

from tests.resident_memory import resident_peak
from tests.signatures.conftest import supporter


def post_json(api_client, url: str, body: bytes):
    with resident_peak() as peak:
        response = api_client.post(url, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    return response, peak


@pytest.mark.django_db
def test_a_json_body_larger_than_the_limit_is_refused_unread(api_client, sign_url):
    response, peak = post_json(api_client, sign_url, b"[" + b"[]," * 10_000_000 + b"[]]")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request cannot be read: its body is too large or has too many fields."
    }
    assert peak.mib < 300 and peak.seconds < 5, peak


@pytest.mark.django_db
def test_millions_of_empty_lists_within_the_limit_are_refused_before_parsing(api_client, sign_url):
    response, peak = post_json(api_client, sign_url, b"[" + b"[]," * 800_000 + b"[]]")

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is nested too deeply or holds too many values."}
    assert peak.mib < 30 and peak.seconds < 2, peak


@pytest.mark.django_db
def test_deep_nesting_is_a_400_not_a_crash(api_client, sign_url):
    response, _peak = post_json(api_client, sign_url, b"[" * 100_000 + b"]" * 100_000)

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"{", b'{"first_names": NaN}', b"\xff\xfe{}"])
def test_what_is_not_json_is_a_400(api_client, sign_url, body):
    response, _peak = post_json(api_client, sign_url, body)

    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}


@pytest.mark.django_db
def test_a_genuine_signature_still_goes_through(api_client, sign_url):
    response = api_client.post(sign_url, supporter(), format="json")
    assert response.status_code == 202, response.content


@pytest.mark.django_db
def test_a_form_carries_one_file(api_client):
    files = {"file": io.BytesIO(b"%PDF-1.7"), "other": io.BytesIO(b"%PDF-1.7")}
    for name, handle in files.items():
        handle.name = f"{name}.pdf"
    response = api_client.post("/api/v1/packets/verify/", files, format="multipart")

    assert response.status_code == 400
