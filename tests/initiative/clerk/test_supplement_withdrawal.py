"""Withdrawal during a supplement period: the list reopens, and so does withdrawal; the clerk sees which rows
of the version already filed are withdrawn, and the next packet version says so."""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)
import datetime

import pytest
from django.utils import timezone

from initiative.clerk.decisions import initiative_request_supplement, initiative_start_verification
from initiative.filing.packet.facts import withdrawn_from_version
from initiative.filing.packet.storage import packet_file_read
from initiative.filing.submit import collection_windows_close
from initiative.models import Initiative
from signatures.models import Signature, SignatureStatus
from signatures.services import signature_withdraw
from signatures.tokens import withdraw_token
from tests.initiative.conftest import originals, receive
from tests.initiative.filing.packet_files import run
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def in_supplement(filed_initiative, clerk_of_gliwice):
    """Filed (version 1 listing six paper rows), received, under verification, then a supplement period."""
    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    originals(filed_initiative, clerk_of_gliwice)
    rules = {**Initiative.objects.get(pk=filed_initiative.pk).rules, "supplement_days": 7}
    Initiative.objects.filter(pk=filed_initiative.pk).update(rules=rules)
    return initiative_request_supplement(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)


def listed(initiative) -> list[int]:
    return list(
        Signature.objects.filter(initiative=initiative, status=SignatureStatus.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_a_supporter_withdraws_in_the_supplement_and_the_clerk_sees_the_row(
    in_supplement, clerk_of_gliwice, browser_for
):
    ids = listed(in_supplement)
    assert withdrawn_from_version(in_supplement, 1) == []
    signature_withdraw(token=withdraw_token(ids[2]))  # the third row of version 1
    signature_withdraw(token=withdraw_token(ids[4]))
    assert withdrawn_from_version(in_supplement, 1) == [3, 5]

    page = browser_for(clerk_of_gliwice).get(f"/clerk/initiatives/{in_supplement.pk}/").content.decode()
    assert "Withdrawn since version 1 was filed" in page
    assert "2 supporters, at positions 3, 5 of version 1" in page


def test_the_next_version_leaves_them_out_and_says_so(
    in_supplement, seal_settings, django_capture_on_commit_callbacks, tmp_path
):
    ids = listed(in_supplement)
    signature_withdraw(token=withdraw_token(ids[0]))
    now = timezone.now()
    Initiative.objects.filter(pk=in_supplement.pk).update(
        opened_at=now - datetime.timedelta(days=60), collection_ends_at=now - datetime.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert collection_windows_close() == 1
    second = Initiative.objects.get(pk=in_supplement.pk).packets.get(version=2)
    assert second.records == len(ids) - 1
    text = " ".join(run(["pdftotext"], packet_file_read(second), tmp_path).split())
    assert "Liczba osób, które po złożeniu wersji 1 wycofały poparcie: 1 (pozycje wykazu wersji 1: 1)" in text
