"""The clerk's work is on signatures too: the signatures tests' fixtures (a filed initiative under
verification, signed-in clients with a second factor) serve here as well; and the helpers of the verdicts'
tests."""

import pytest
from django.db import transaction
from django.utils import timezone

from initiative.lifecycle import Action
from initiative.models import Initiative
from signatures.models import Signature
from tests.clock import frozen_at
from tests.signatures.conftest import (  # noqa: F401  (fixtures)
    api_for,
    browser_for,
    other_verifying_initiative,
    pesel_initiative,
    sign_url,
    totp_code_for,
    verifying_initiative,
)


def paper_ids(initiative) -> list[int]:
    return list(
        Signature.objects.filter(initiative=initiative, method="paper", status="confirmed")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def valid(signature_id: int) -> dict:
    return {"signature": signature_id, "valid": True}


def invalid(signature_id: int, reason: str = "not_in_register") -> dict:
    return {"signature": signature_id, "valid": False, "reason": reason}


def stored_verdicts(initiative) -> dict[int, tuple[str, str]]:
    rows = Signature.objects.filter(initiative=initiative).values_list("pk", "verdict", "verdict_reason")
    return {pk: (verdict, reason) for pk, verdict, reason in rows}


def start_verification(initiative, clerk) -> Initiative:
    with transaction.atomic():
        locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
        locked.transition(Action.START_VERIFICATION, actor=clerk)
        # The paper originals reached the office with the filing: verdicts on paper rows may be given.
        locked.originals_received_on = locked.received_on = timezone.localdate()
        locked.save(update_fields=["originals_received_on", "received_on"])
    return locked


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """The clerk's tests sign people in often; what they check is not the password's hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def on_the_filing_day():
    """Standing at noon in Warsaw on 30 November 2026, the day of filing: the council's term then ends on
    28 February 2027 (no 30 February). Name it before the fixtures that file."""
    with frozen_at(2026, 11, 30, 12):
        yield
