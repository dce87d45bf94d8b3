"""The committee delivers its filing to the council's office and records it (initiative.filing.delivery):
the page that says how, the record with the official receipt (encrypted at rest, read only by the
committee and the council's clerks, each read logged), the API, and the receipt's end with the
initiative's other personal data. Filed on 30 November 2026 at noon in Warsaw.
"""

# ruff: noqa: F811  (the fixtures imported from tests/signatures/conftest.py are named again as test arguments)

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.delivery import delivery_receipts_erase, delivery_record
from initiative.models import Delivery
from personal_data.models import PersonalDataAccess
from tests.clock import frozen_at
from tests.initiative.clerk.test_clerk_api import api_as
from tests.signatures.conftest import browser_for, totp_code_for  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


UPO = b'<?xml version="1.0" encoding="UTF-8"?><UPO><Adresat>Urzad Miejski</Adresat></UPO>'
DAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def after_filing():
    """Filed on 30 November (the fixtures run inside this clock too); delivered the next day."""
    with frozen_at(2026, 11, 30, 12):
        yield


def record(initiative, actor, **changes):
    with frozen_at(2026, 12, 2, 9):
        return delivery_record(
            initiative_id=initiative.pk,
            actor=actor,
            **{"channel": "epuap", "delivered_on": DAY, "receipt": UPO, **changes},
        )


def test_the_receipt_is_stored_encrypted_and_read_back_whole(filed_initiative, author):
    delivery = record(filed_initiative, author)
    assert (delivery.channel, delivery.delivered_on, delivery.packet.version) == ("epuap", DAY, 1)
    assert delivery.receipt_type == "application/xml"
    assert delivery.receipt_sha256 == hashlib.sha256(UPO).hexdigest()
    with delivery.file.open("rb") as handle:
        stored = handle.read()
    assert b"Urzad" not in stored and UPO not in stored  # sealed at rest


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"delivered_on": datetime.date(2026, 12, 3)}, "delivered_on", "cannot be in the future"),
        (
            {"delivered_on": datetime.date(2026, 11, 29)},
            "delivered_on",
            "filed on the platform on Nov. 30, 2026",
        ),
        ({"channel": "pigeon"}, "channel", "Choose how"),
        ({"receipt": b"MZ\x90\x00 not a receipt"}, "receipt", "PDF or XML"),
        ({"receipt": b"%PDF-" + b"0" * (2 * 1024 * 1024)}, "receipt", "larger than 2 MiB"),
    ],
)
def test_bad_input_is_refused_clearly_and_stores_nothing(filed_initiative, author, changes, field, message):
    with translation.override("en"), pytest.raises(InvalidInput) as refusal:
        record(filed_initiative, author, **changes)
    assert message in refusal.value.errors[field][0]
    assert not Delivery.objects.exists()


def test_only_the_committee_records_and_only_while_the_office_has_to_decide(
    collecting_initiative, filed_initiative, author, outsider, clerk_of_gliwice
):
    for person in (outsider, clerk_of_gliwice):
        with pytest.raises(NotVisible):
            record(filed_initiative, person)
    assert not Delivery.objects.exists()


def test_not_before_filing(collecting_initiative, author):
    with pytest.raises(TransitionRefused):
        record(collecting_initiative, author)


def test_the_page_says_how_to_deliver_and_records_a_delivery(filed_initiative, author, browser_for):
    url = f"/initiatives/{filed_initiative.pk}/delivery/"
    with frozen_at(2026, 12, 2, 9):
        browser = browser_for(author)
        page = browser.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "ePUAP" in body and "e-Doręczenia" in body and "paper originals" in body
        manage = browser.get(f"/initiatives/{filed_initiative.pk}/manage/").content.decode()
        assert f'href="{url}"' in manage
        receipt = SimpleUploadedFile("skan.png", b"\x89PNG\r\n\x1a\n" + b"1" * 100)
        response = browser.post(
            url, {"channel": "in_person", "delivered_on": "2026-12-01", "receipt": receipt}
        )
        assert response.status_code == 302 and response["Location"] == url
        assert "the receipt" in browser.get(url).content.decode()
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.receipt_type) == ("in_person", "image/png")


def test_a_bad_day_on_the_page_is_answered_beside_the_field(filed_initiative, author, browser_for):
    with frozen_at(2026, 12, 2, 9):
        response = browser_for(author).post(
            f"/initiatives/{filed_initiative.pk}/delivery/", {"channel": "post", "delivered_on": "2026-12-24"}
        )
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_receipt_reaches_the_committee_and_the_councils_clerk_only_and_each_read_is_logged(
    filed_initiative, author, outsider, clerk_of_gliwice, clerk_of_katowice, browser_for
):
    delivery = record(filed_initiative, author)
    url = f"/initiatives/{filed_initiative.pk}/delivery/{delivery.pk}/receipt/"
    for person in (author, clerk_of_gliwice):
        response = browser_for(person).get(url)
        assert response.status_code == 200 and response.content == UPO
        assert response["Cache-Control"] == "private, no-store"
    for person in (outsider, clerk_of_katowice):
        assert browser_for(person).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in
    assert list(PersonalDataAccess.objects.order_by("pk").values_list("user", "what")) == [
        (author.pk, "delivery_receipt"),
        (clerk_of_gliwice.pk, "delivery_receipt"),
    ]
    screen = browser_for(clerk_of_gliwice).get(f"/clerk/initiatives/{filed_initiative.pk}/").content.decode()
    assert url in screen  # the clerk sees the committee's record beside the day of receipt to record


def test_the_api_lists_and_records_deliveries(filed_initiative, author, outsider):
    api = api_as(author)
    base = f"/api/v1/initiatives/{filed_initiative.pk}/deliveries/"
    with frozen_at(2026, 12, 2, 9):
        response = api.post(
            base,
            {
                "channel": "e_doreczenia",
                "delivered_on": "2026-12-02",
                "receipt": SimpleUploadedFile("u.pdf", b"%PDF-1.7"),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.content
        assert (
            api.post(base, {"channel": "fax", "delivered_on": "2026-12-02"}, format="multipart").status_code
            == 400
        )
    body = api.get(base).json()
    assert [(row["channel"], row["delivered_on"], row["has_receipt"]) for row in body] == [
        ("e_doreczenia", "2026-12-02", True)
    ]
    assert api_as(outsider).get(base).status_code == 404


def test_retention_deletes_the_receipt_and_keeps_the_record(
    filed_initiative, author, django_capture_on_commit_callbacks
):
    delivery = record(filed_initiative, author)
    name, storage = delivery.file.name, delivery.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_receipts_erase(filed_initiative.pk) == 1
    delivery.refresh_from_db()
    assert not delivery.file and delivery.receipt_sha256 and not storage.exists(name)
