"""POST /api/v1/initiatives/{id}/submit/: the committee files once the threshold is reached
(docs/contract.md §Initiatives)."""

import pytest

from initiative.models import Initiative, Packet
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(initiative) -> str:
    return f"/api/v1/initiatives/{initiative.pk}/submit/"


def as_user(api_client, user):
    api_client.force_authenticate(user)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api_client


@pytest.fixture
def lowered(collecting_initiative):
    """Collecting in Gliwice with the frozen threshold lowered to 5, to keep the test quick."""
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    return collecting_initiative


def test_below_the_threshold_is_409_and_changes_nothing(api_client, lowered, author):
    sign_on_paper(lowered, author, FILED_THRESHOLD - 1)
    response = as_user(api_client, author).post(url(lowered))
    assert response.status_code == 409
    assert response.json() == {"detail": "The initiative has 4 of the 5 signatures it needs to be filed."}
    assert Initiative.objects.get(pk=lowered.pk).status == "collecting"
    assert not Packet.objects.filter(initiative=lowered).exists()


def test_at_the_threshold_files_and_answers_with_the_initiative(
    api_client, lowered, author, django_capture_on_commit_callbacks
):
    sign_on_paper(lowered, author, FILED_THRESHOLD)
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(api_client, author).post(url(lowered))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == lowered.pk and body["status"] == "submitted"
    assert body["signature_count"] == FILED_THRESHOLD and body["threshold_reached"] is True
    assert body["submitted_at"] is not None
    assert body["consideration_deadline"] is None  # until the office records receipt
    assert [entry["status"] for entry in body["timeline"]] == ["draft", "collecting", "submitted"]
    assert list(Packet.objects.filter(initiative=lowered).values_list("version", "status")) == [
        (1, "building")
    ]
    assert len(callbacks) == 1  # the packet is ordered once the filing commits


def test_filing_twice_is_409(api_client, filed_initiative, author):
    response = as_user(api_client, author).post(url(filed_initiative))
    assert response.status_code == 409 and "detail" in response.json()
    assert Packet.objects.filter(initiative=filed_initiative).count() == 1


def test_a_draft_cannot_be_filed(api_client, start_initiative, author):
    draft = start_initiative(author)
    response = as_user(api_client, author).post(url(draft))
    assert response.status_code == 409
    assert Initiative.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize("persona", ["outsider", "clerk_of_gliwice", "resident"])
def test_only_the_committee_files(api_client, request, lowered, author, persona):
    sign_on_paper(lowered, author, FILED_THRESHOLD)
    response = as_user(api_client, request.getfixturevalue(persona)).post(url(lowered))
    assert response.status_code == 404
    assert Initiative.objects.get(pk=lowered.pk).status == "collecting"


def test_anonymous_is_401(api_client, lowered, author):
    sign_on_paper(lowered, author, FILED_THRESHOLD)
    assert api_client.post(url(lowered)).status_code == 401
    assert Initiative.objects.get(pk=lowered.pk).status == "collecting"
