import itertools

import pytest
from django.utils import timezone

from tests.initiative.conftest import (  # noqa: F401  (fixtures shared with the initiative tests)
    collecting_initiative,
    filed_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)

ADULT_PESEL = "44051401458"  # a valid test number: born 14 May 1944


def supporter(**changes) -> dict:
    """A supporter for Gliwice, whose rules ask for the date of birth."""
    data = {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
        "birth_date": "1980-03-15",
        "citizenship": "PL",
        "email": "jan.kowalski@example.org",
        "declaration": True,
        "privacy_notice": True,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def sign_page_form(**changes) -> dict:
    """What a supporter in Gliwice types on the sign page to sign by e-mail; a value of None leaves the field
    out, as an unticked box is."""
    data = {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
        "birth_day": "15",
        "birth_month": "3",
        "birth_year": "1980",
        "citizenship": "PL",
        "email": "jan.kowalski@example.org",
        "declaration": "on",
        "privacy_notice": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def sign_url(collecting_initiative):  # noqa: F811  (the fixture, imported above)
    return f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/"


# The clerk's side (verification of the filed support list) -------------------------------------------


@pytest.fixture
def verifying_initiative(filed_initiative, clerk_of_gliwice):  # noqa: F811
    """`filed_initiative` (threshold 5, six paper signatures) with its verification started by the clerk."""
    from django.db import transaction

    from initiative.lifecycle import Action
    from initiative.models import Initiative

    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=filed_initiative.pk)
        initiative.transition(Action.START_VERIFICATION, actor=clerk_of_gliwice)
        # The paper originals reached the office with the filing: verdicts on paper rows may be given.
        initiative.originals_received_on = initiative.received_on = timezone.localdate()
        initiative.save(update_fields=["originals_received_on", "received_on"])
    return initiative


@pytest.fixture
def totp_code_for(db):
    """A current code of the person's authenticator (a confirmed TOTP device, made on first use).

    A code is accepted once per time step, so each call gives the next step's code (the device allows one
    step of drift): a test may sign the same person in twice.
    """
    from accounts.two_factor import confirmed_device, device_create
    from tests.accounts.conftest import totp_code

    steps = {}

    def code(user) -> str:
        device = confirmed_device(user) or device_create(user, confirmed=True)
        step = steps.setdefault(user.pk, itertools.count())
        return totp_code(device.bin_key, steps_ahead=next(step))

    return code


@pytest.fixture
def browser_for(totp_code_for):
    """A browser signed in through the real sign-in pages, with the TOTP code where the person needs one."""
    from django.test import Client

    from accounts.two_factor import needs_code
    from tests.conftest import PASSWORD

    def sign_in(user) -> Client:
        code = totp_code_for(user) if needs_code(user) else None  # the device exists before the sign-in
        browser = Client(HTTP_ACCEPT_LANGUAGE="en")
        browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
        if code:
            browser.post("/accounts/sign-in/code/", {"code": code})
        assert browser.session.get("_auth_user_id") == str(user.pk), "the sign-in did not finish"
        return browser

    return sign_in


@pytest.fixture
def api_for(totp_code_for):
    """An API client holding a token got with the password (and a TOTP code where the person needs one)."""
    from rest_framework.test import APIClient

    from accounts.two_factor import needs_code
    from tests.conftest import PASSWORD

    def token_client(user) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        payload = {"email": user.email, "password": PASSWORD}
        if needs_code(user):
            payload["otp"] = totp_code_for(user)
        response = client.post("/api/v1/auth/token/", payload, format="json")
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return token_client


def valid_pesel(number: int) -> str:
    """A distinct, valid PESEL of an adult born in the 1950s-60s (checksum per the PESEL act's weights)."""
    import datetime

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=number * 7)
    digits = f"{born:%y%m%d}{number % 10000:04d}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return f"{digits}{check}"


GLIWICE_WITH_PESEL = {
    "teryt": "2466011",
    "resolution": "II/25/2018",
    "adopted_on": "2018-12-13",
    "committee_min": 5,
    "representative": "optional",
    "identifier": "pesel",
    "signature_methods": ["paper"],
    "collection_days": None,
    "verification_days": None,
    "supplement_days": None,
}


@pytest.fixture
def pesel_initiative(ready_initiative, author, clerk_of_gliwice):  # noqa: F811
    """Under verification in Gliwice with rules amended to put the PESEL on the list: three paper rows."""
    from django.db import transaction

    from initiative import services
    from initiative.filing.submit import initiative_submit
    from initiative.lifecycle import Action
    from initiative.models import Initiative
    from municipalities.local_rules import local_rules_import
    from signatures.paper.services import paper_row_enter
    from tests.initiative.conftest import paper_supporter

    local_rules_import([GLIWICE_WITH_PESEL])
    services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    Initiative.objects.filter(pk=ready_initiative.pk).update(signature_threshold=2)
    for number in range(1, 4):
        data = {**paper_supporter(number), "pesel": valid_pesel(number)}
        del data["birth_date"]
        paper_row_enter(initiative_id=ready_initiative.pk, actor=author, data=data, sheet_number=1)
    initiative_submit(initiative_id=ready_initiative.pk, actor=author)
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=ready_initiative.pk)
        initiative.transition(Action.START_VERIFICATION, actor=clerk_of_gliwice)
        # The paper originals reached the office with the filing: verdicts on paper rows may be given.
        initiative.originals_received_on = initiative.received_on = timezone.localdate()
        initiative.save(update_fields=["originals_received_on", "received_on"])
    return initiative


@pytest.fixture
def other_verifying_initiative(start_initiative, join_committee, make_user, clerk_of_gliwice):  # noqa: F811
    """A second Gliwice initiative under verification, with two paper signatures of its own (the same
    clerk sees both)."""
    from django.db import transaction

    from initiative import services
    from initiative.filing.submit import initiative_submit
    from initiative.lifecycle import Action
    from initiative.models import Initiative
    from tests.initiative.conftest import complete_committee, sign_on_paper

    author = make_user("druga.autorka@example.org", full_name="Druga Autorka")
    other = start_initiative(author)
    complete_committee(other, author, join_committee, address="ul. Dworcowa 2, 44-100 Gliwice")
    services.initiative_open(initiative_id=other.pk, actor=author)
    Initiative.objects.filter(pk=other.pk).update(signature_threshold=1)
    sign_on_paper(other, author, 2, first=200)
    initiative_submit(initiative_id=other.pk, actor=author)
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=other.pk)
        initiative.transition(Action.START_VERIFICATION, actor=clerk_of_gliwice)
        # The paper originals reached the office with the filing: verdicts on paper rows may be given.
        initiative.originals_received_on = initiative.received_on = timezone.localdate()
        initiative.save(update_fields=["originals_received_on", "received_on"])
    return initiative


def add_signatures(initiative, count: int) -> list[int]:
    """`count` more counted paper signatures on a filed list, written directly (their checks are not what
    these tests are about, and 10,000 typed rows would take minutes)."""
    import datetime

    from django.utils import timezone

    from signatures.models import Signature, SignatureStatus

    now = timezone.now()
    rows = [
        Signature(
            initiative=initiative,
            method="paper",
            status=SignatureStatus.CONFIRMED,
            identity_hash=f"bulk-{initiative.pk}-{number}",
            first_names="Zofia",
            last_name=f"Bąk-{number}",
            address=f"ul. Długa {number}, 44-100 Gliwice",
            birth_date="1970-01-01",
            citizenship="PL",
            signed_on=datetime.date(2026, 1, 5),
            confirmed_at=now,
            evidence={"sheet_number": 1000 + number // 10},
        )
        for number in range(count)
    ]
    return [signature.pk for signature in Signature.objects.bulk_create(rows, batch_size=2000)]
