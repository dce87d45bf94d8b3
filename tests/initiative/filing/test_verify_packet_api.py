"""Checking a packet with POST /api/v1/packets/verify/.

The packet comes from tests/initiative/filing/sealed_packets.py.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# The API -------------------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "packet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.mark.django_db
def test_the_api_reports_a_valid_packet(api_client, packet):
    response = api_client.post(
        "/api/v1/packets/verify/", {"file": upload(packet)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["problems"] == [] and body["packet"] is None
    assert body["seal"]["trusted"] and body["seal"]["whole_document"] and body["seal"]["certified"]
    assert body["integrity"]["holds"] and body["integrity"]["records"] == 3
    assert body["sha256"] == hashlib.sha256(packet).hexdigest()
    assert body["report"][0].startswith("[ok] The packet is valid")


@pytest.mark.django_db
def test_the_api_reports_a_damaged_packet_with_codes_and_messages(api_client, packet):
    damaged = packet.replace(b"Typst", b"Tipst", 1)
    response = api_client.post(
        "/api/v1/packets/verify/", {"file": upload(damaged)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert {
        "code": "seal_changed",
        "message": "The sealed content has been changed since it was sealed.",
    } in body["problems"]


@pytest.mark.django_db
def test_the_api_wants_a_file_of_reasonable_size(api_client, monkeypatch, seal_settings):
    response = api_client.post("/api/v1/packets/verify/", {}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"file": ["Choose the packet (a PDF file) to check."]}

    from initiative.filing.packet import upload as packet_upload

    monkeypatch.setattr(packet_upload, "MAX_PACKET_BYTES", 1000)
    response = api_client.post(
        "/api/v1/packets/verify/",
        {"file": upload(b"%PDF" + b"0" * 2000)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["file"][0]


@pytest.mark.django_db
def test_a_request_announcing_too_much_is_refused_before_reading(api_client, seal_settings):
    response = api_client.post(
        "/api/v1/packets/verify/",
        {"file": upload(b"%PDF-1.7")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 400 and "too large" in response.json()["file"][0]


@pytest.mark.django_db
def test_the_api_is_rate_limited(api_client, settings, seal_settings):
    settings.RATE_LIMITS = True
    statuses = [
        api_client.post("/api/v1/packets/verify/", {"file": upload(b"x")}, format="multipart").status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    settings.RATE_LIMITS = False
    assert (
        api_client.post("/api/v1/packets/verify/", {"file": upload(b"x")}, format="multipart").status_code
        == 200
    )
