"""The clerk's initiative API (docs/contract.md §Clerks) with personas: the clerk of Gliwice signed in with a
token obtained with a TOTP code gets 200; the clerk of Katowice, a committee member and an outsider get 404
(an empty list for the list); anonymous calls get 401. A refused call changes nothing.
"""

import datetime

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from initiative.clerk.decisions import initiative_accept, initiative_receive, initiative_start_verification
from initiative.clerk.verification import verdicts_set
from initiative.lifecycle import Status
from initiative.models import Initiative, StatusChange
from signatures.models import Signature
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD
from tests.initiative.conftest import FILED_THRESHOLD, originals

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clerk/initiatives/"


def api_as(user) -> APIClient:
    """A program signed in as `user` the contract's way: POST /api/v1/auth/token/ with the password, and
    with a current TOTP code for a clerk (who gets a confirmed device, as `create_user --clerk-of` gives)."""
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    if user is None:
        return client
    credentials = {"email": user.email, "password": PASSWORD}
    if user.clerk_memberships.exists():
        device = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "authenticator"}
        )[0]
        credentials["otp"] = totp_code(device.bin_key)
    response = client.post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def mark_valid(initiative, clerk, count: int = FILED_THRESHOLD) -> None:
    ids = Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True)[:count]
    verdicts_set(
        initiative_id=initiative.pk,
        clerk=clerk,
        verdicts=[{"signature": pk, "valid": True, "reason": ""} for pk in ids],
    )


# Each endpoint: how to bring the initiative to a state where the clerk's call succeeds, and the call.


def filed(initiative, clerk):
    return None


def received(initiative, clerk):
    initiative_receive(initiative_id=initiative.pk, clerk=clerk, received_on=timezone.localdate())


def under_verification(initiative, clerk):
    received(initiative, clerk)
    initiative_start_verification(initiative_id=initiative.pk, clerk=clerk)
    originals(initiative, clerk)


def ready_to_accept(initiative, clerk):
    under_verification(initiative, clerk)
    mark_valid(initiative, clerk)


def supplement_allowed(initiative, clerk):
    rules = {**Initiative.objects.get(pk=initiative.pk).rules, "supplement_days": 7}
    Initiative.objects.filter(pk=initiative.pk).update(rules=rules)
    under_verification(initiative, clerk)


def accepted(initiative, clerk):
    ready_to_accept(initiative, clerk)
    initiative_accept(initiative_id=initiative.pk, clerk=clerk, session_date=timezone.localdate())


ENDPOINTS = {
    "list": ("get", "", filed, None, None),
    "detail": ("get", "{id}/", filed, None, None),
    "receive": ("post", "{id}/receive/", filed, {"received_on": "TODAY"}, Status.SUBMITTED),
    "start_verification": ("post", "{id}/start_verification/", received, {}, Status.UNDER_VERIFICATION),
    "accept": ("post", "{id}/accept/", ready_to_accept, {"session_date": "TODAY"}, Status.ACCEPTED),
    "request_supplement": (
        "post",
        "{id}/request_supplement/",
        supplement_allowed,
        {"reason": "Brakuje podpisów."},
        Status.COLLECTING,
    ),
    "reject": (
        "post",
        "{id}/reject/",
        under_verification,
        {"reasons": "Poza kompetencją rady."},
        Status.REJECTED,
    ),
    "record_outcome": (
        "post",
        "{id}/record_outcome/",
        accepted,
        {"outcome": "adopted", "resolution_number": "XII/150/2026"},
        Status.ADOPTED,
    ),
}


def call(client, endpoint: str, initiative):
    method, path, _prepare, body, _target = ENDPOINTS[endpoint]
    url = BASE + path.format(id=initiative.pk)
    if method == "get":
        return client.get(url)
    body = {
        key: (timezone.localdate().isoformat() if value == "TODAY" else value) for key, value in body.items()
    }
    return client.post(url, body, format="json")


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_councils_clerk_gets_200(endpoint, filed_initiative, clerk_of_gliwice):
    ENDPOINTS[endpoint][2](filed_initiative, clerk_of_gliwice)
    response = call(api_as(clerk_of_gliwice), endpoint, filed_initiative)

    assert response.status_code == 200, response.content
    body = response.json()
    if endpoint == "list":
        assert [row["id"] for row in body["results"]] == [filed_initiative.pk]
        return
    assert body["id"] == filed_initiative.pk
    target = ENDPOINTS[endpoint][4]
    if target:
        assert body["status"] == target == Initiative.objects.get(pk=filed_initiative.pk).status
        assert body["timeline"][-1]["action"] == endpoint
    if endpoint == "accept":
        assert body["warnings"] == [] and body["session_date"] == timezone.localdate().isoformat()
    if endpoint == "record_outcome":
        assert body["outcome_resolution_number"] == "XII/150/2026"


@pytest.mark.parametrize("persona", ["clerk_of_katowice", "author", "outsider", "anonymous"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_nobody_else_sees_or_decides(endpoint, persona, request, filed_initiative, clerk_of_gliwice):
    ENDPOINTS[endpoint][2](filed_initiative, clerk_of_gliwice)
    before = list(StatusChange.objects.filter(initiative=filed_initiative).values_list("pk", flat=True))
    status_before = Initiative.objects.get(pk=filed_initiative.pk).status
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = call(api_as(user), endpoint, filed_initiative)

    if persona == "anonymous":
        assert response.status_code == 401
    elif endpoint == "list":
        assert response.status_code == 200 and response.json()["count"] == 0
    else:
        assert response.status_code == 404
        assert filed_initiative.title not in response.content.decode()
    assert Initiative.objects.get(pk=filed_initiative.pk).status == status_before
    assert (
        list(StatusChange.objects.filter(initiative=filed_initiative).values_list("pk", flat=True)) == before
    )


def test_a_clerks_session_without_the_second_factor_is_refused(client, filed_initiative, clerk_of_gliwice):
    client.force_login(clerk_of_gliwice)  # as Django's admin sign-in leaves it: no code given
    assert client.get(BASE).status_code == 403
    assert client.post(f"{BASE}{filed_initiative.pk}/start_verification/").status_code == 403
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.SUBMITTED


def test_the_list_shows_counts_term_and_packet(filed_initiative, clerk_of_gliwice):
    under_verification(filed_initiative, clerk_of_gliwice)
    mark_valid(filed_initiative, clerk_of_gliwice, count=2)
    body = api_as(clerk_of_gliwice).get(BASE).json()

    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    row = body["results"][0]
    filed_initiative.refresh_from_db()
    assert row["consideration_deadline"] == filed_initiative.consideration_deadline.isoformat()
    assert row["days_left"] == (filed_initiative.consideration_deadline - timezone.localdate()).days
    assert row["verification"] == {
        "valid": 2,
        "invalid": 0,
        "unchecked": FILED_THRESHOLD - 1,
        "total": FILED_THRESHOLD + 1,
        "threshold": FILED_THRESHOLD,
        "threshold_met": False,
    }
    assert row["packet_status"] == "building"
    assert row["packets"][0]["version"] == 1 and row["packets"][0]["url"] is None  # not built yet
    assert row["signature_threshold"] == FILED_THRESHOLD and row["status"] == "under_verification"
    assert row["municipality"]["teryt"] == "2466011"


def test_the_list_puts_receipts_to_record_first_then_the_nearest_deadline(filed_initiative, clerk_of_gliwice):
    received(filed_initiative, clerk_of_gliwice)
    filed_initiative.refresh_from_db()
    sooner, unreceived = (
        Initiative.objects.get(pk=filed_initiative.pk),
        Initiative.objects.get(pk=filed_initiative.pk),
    )
    for copy in (sooner, unreceived):
        copy.pk = None
        copy.save()
    Initiative.objects.filter(pk=sooner.pk).update(
        consideration_deadline=filed_initiative.consideration_deadline - datetime.timedelta(days=30)
    )
    Initiative.objects.filter(pk=unreceived.pk).update(received_on=None, consideration_deadline=None)
    ids = [row["id"] for row in api_as(clerk_of_gliwice).get(BASE).json()["results"]]
    assert ids == [unreceived.pk, sooner.pk, filed_initiative.pk]


def test_conflicts_are_409_with_a_detail(filed_initiative, clerk_of_gliwice):
    api = api_as(clerk_of_gliwice)
    response = api.post(f"{BASE}{filed_initiative.pk}/accept/", {"session_date": "2026-01-01"}, format="json")
    assert response.status_code == 409
    assert "cannot be accepted" in response.json()["detail"]

    under_verification(filed_initiative, clerk_of_gliwice)
    response = api.post(
        f"{BASE}{filed_initiative.pk}/accept/",
        {"session_date": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 409 and "found valid: 0 of the 5 needed" in response.json()["detail"]
    response = api.post(f"{BASE}{filed_initiative.pk}/request_supplement/", {}, format="json")
    assert response.status_code == 409 and "no supplement period" in response.json()["detail"]
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.UNDER_VERIFICATION


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("accept", {}, "session_date"),
        ("accept", {"session_date": "31.12.2026"}, "session_date"),
        ("accept", {"session_date": "2001-01-01"}, "session_date"),  # before the filing
        ("reject", {}, "reasons"),
        ("reject", {"reasons": "  "}, "reasons"),
        ("record_outcome", {}, "outcome"),
    ],
)
def test_bad_input_is_400_with_a_field_map(filed_initiative, clerk_of_gliwice, action, body, field):
    ready_to_accept(filed_initiative, clerk_of_gliwice)
    response = api_as(clerk_of_gliwice).post(f"{BASE}{filed_initiative.pk}/{action}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field] and response.json()[field]
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.UNDER_VERIFICATION


def test_outcome_values_are_checked(filed_initiative, clerk_of_gliwice):
    accepted(filed_initiative, clerk_of_gliwice)
    api = api_as(clerk_of_gliwice)
    response = api.post(f"{BASE}{filed_initiative.pk}/record_outcome/", {"outcome": "yes"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["outcome"]
    response = api.post(
        f"{BASE}{filed_initiative.pk}/record_outcome/",
        {"outcome": "not_adopted", "resolution_number": "XII/1/2026"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["resolution_number"]
    response = api.post(
        f"{BASE}{filed_initiative.pk}/record_outcome/", {"outcome": "not_adopted"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "not_adopted"


def test_accept_returns_the_deadline_warning(filed_initiative, clerk_of_gliwice):
    ready_to_accept(filed_initiative, clerk_of_gliwice)
    today = timezone.localdate()
    Initiative.objects.filter(pk=filed_initiative.pk).update(
        consideration_deadline=today + datetime.timedelta(days=3)
    )
    response = api_as(clerk_of_gliwice).post(
        f"{BASE}{filed_initiative.pk}/accept/", {"session_date": today.isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["warnings"]) == 1 and "3 days left" in response.json()["warnings"][0]


def test_a_clerk_of_two_councils_sees_both(filed_initiative, clerk_of_katowice):
    from accounts.models import ClerkMembership
    from municipalities.models import Unit

    ClerkMembership.objects.create(user=clerk_of_katowice, unit=Unit.objects.get(teryt="2466011"))
    api = api_as(clerk_of_katowice)
    assert [row["id"] for row in api.get(BASE).json()["results"]] == [filed_initiative.pk]
    assert api.get(f"{BASE}{filed_initiative.pk}/").status_code == 200
