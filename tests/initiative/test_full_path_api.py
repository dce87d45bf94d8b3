"""The whole path through the API only, as an outside program would walk it: an open initiative in Gliwice
collects paper signatures, the committee files it, the packet is built and sealed (the on-commit Celery
task, eager without a broker), the council's clerk verifies and accepts it, and records it `adopted`; the
public timeline lists every step. The frozen threshold is lowered in the database to keep it quick.
"""

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from initiative.models import Initiative
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD
from tests.initiative.conftest import paper_row
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

THRESHOLD = 5
SUPPORTERS = 7


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path, seal_settings):  # noqa: F811  (the fixture imported above)
    """Packets sealed with the test seal (tests/pki.py) and stored under the test's own directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def api_with_token(email: str, otp: str | None = None) -> APIClient:
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    credentials = {"email": email, "password": PASSWORD, **({"otp": otp} if otp else {})}
    response = client.post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_from_an_open_initiative_to_adopted(
    collecting_initiative, author, clerk_of_gliwice, django_capture_on_commit_callbacks
):
    initiative_id = collecting_initiative.pk
    Initiative.objects.filter(pk=initiative_id).update(signature_threshold=THRESHOLD)
    public = APIClient()
    committee = api_with_token(author.email)
    device = TOTPDevice.objects.create(user=clerk_of_gliwice, name="authenticator", confirmed=True)
    clerk = api_with_token(clerk_of_gliwice.email, totp_code(device.bin_key))

    # Supporters sign on paper; the committee types the returned rows in.
    for number in range(1, SUPPORTERS + 1):
        response = committee.post(
            f"/api/v1/initiatives/{initiative_id}/paper-signatures/", paper_row(number), format="json"
        )
        assert response.status_code == 201, response.content
    body = public.get(f"/api/v1/initiatives/{initiative_id}/").json()
    assert body["signature_count"] == SUPPORTERS and body["threshold_reached"] is True

    # The committee files; the packet is built and sealed once the filing commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = committee.post(f"/api/v1/initiatives/{initiative_id}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    packet = committee.get(f"/api/v1/initiatives/{initiative_id}/packet.pdf")
    assert packet.status_code == 200 and packet.content.startswith(b"%PDF")

    # The clerk sees it in the inbox with the packet ready, and downloads it too.
    inbox = clerk.get("/api/v1/clerk/initiatives/").json()
    assert [row["id"] for row in inbox["results"]] == [initiative_id]
    assert inbox["results"][0]["packet_status"] == "ready"
    assert clerk.get(f"/api/v1/initiatives/{initiative_id}/packet.pdf?version=1").status_code == 200

    # Verification waits for the day the office received the filing (art. 41a ust. 3 u.s.g.).
    response = clerk.post(f"/api/v1/clerk/initiatives/{initiative_id}/start_verification/")
    assert response.status_code == 409
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(f"/api/v1/clerk/initiatives/{initiative_id}/receive/", {"received_on": today})
    assert response.status_code == 200 and response.json()["received_on"] == today
    assert response.json()["consideration_deadline"] is not None

    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(f"/api/v1/clerk/initiatives/{initiative_id}/start_verification/")
    assert response.status_code == 200 and response.json()["status"] == "under_verification"
    assert len(mail.outbox) > sent_before  # the committee is told

    # Verdicts on paper rows wait for the originals (a paper signature is the handwritten row).
    response = clerk.post(
        f"/api/v1/clerk/initiatives/{initiative_id}/originals/", {"received_on": today}, format="json"
    )
    assert response.status_code == 200 and response.json()["originals_received_on"] == today

    rows = clerk.get(f"/api/v1/clerk/initiatives/{initiative_id}/signatures/").json()["results"]
    assert len(rows) == SUPPORTERS
    verdicts = [{"signature": row["id"], "valid": True, "reason": ""} for row in rows[:-1]]
    verdicts.append({"signature": rows[-1]["id"], "valid": False, "reason": "not_in_register"})
    response = clerk.post(
        f"/api/v1/clerk/initiatives/{initiative_id}/verdicts/", {"verdicts": verdicts}, format="json"
    )
    assert response.status_code == 200, response.content
    detail = clerk.get(f"/api/v1/clerk/initiatives/{initiative_id}/").json()
    assert detail["verification"]["valid"] == SUPPORTERS - 1 and detail["verification"]["invalid"] == 1
    assert detail["verification"]["threshold_met"] is True

    session = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(
            f"/api/v1/clerk/initiatives/{initiative_id}/accept/",
            {"session_date": session.isoformat()},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["warnings"] == []

    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(
            f"/api/v1/clerk/initiatives/{initiative_id}/record_outcome/",
            {"outcome": "adopted", "resolution_number": "XII/150/2026"},
            format="json",
        )
    assert response.status_code == 200 and response.json()["status"] == "adopted"

    timeline = public.get(f"/api/v1/initiatives/{initiative_id}/").json()["timeline"]
    assert [(entry["action"], entry["status"]) for entry in timeline] == [
        ("create", "draft"),
        ("open", "collecting"),
        ("submit", "submitted"),
        ("receive", "submitted"),
        ("start_verification", "under_verification"),
        ("accept", "accepted"),
        ("record_outcome", "adopted"),
    ]
    page = public.get(f"/initiatives/{initiative_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "resolution no. XII/150/2026" in page
    subjects = [message.subject for message in mail.outbox]
    assert sum(collecting_initiative.title in subject for subject in subjects) >= 3  # decisions told
