"""One mailbox, many people: an address confirms at most EMAIL_DECLARATIONS_PER_ADDRESS declarations.

The cap speaks of the mailbox only and fills up the same way whether or not the people had signed before,
so it tells nobody who signed; two confirmations at the same moment cannot both take its last place.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from signatures.mailbox import MailboxFull, mailbox_full_message, mailbox_of
from signatures.models import Signature, SignatureStatus
from signatures.selectors import support_count
from signatures.services import signature_confirm, signature_submit
from signatures.tokens import confirm_token
from tests.concurrently import at_once
from tests.signatures.conftest import supporter
from tests.signatures.test_concurrency import open_to_email, person  # noqa: F401  (a fixture)

MAILBOX = "rodzina.nowakow@example.org"
CAP = 4  # the default


@pytest.fixture
def sign(api_client, open_to_email, django_capture_on_commit_callbacks):  # noqa: F811
    def post(number: int, email: str = MAILBOX):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(
                f"/api/v1/initiatives/{open_to_email.pk}/signatures/",
                supporter(**person(number), email=email),
                format="json",
            )

    return post


@pytest.fixture
def confirm(api_client, django_capture_on_commit_callbacks):
    def post(email: str = MAILBOX, *, which: int = -1):
        links = [message for message in mail.outbox if message.to == [email] and "/confirm/" in message.body]
        token = re.search(r"/signatures/confirm/([^/\s]+)/", links[which].body).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post("/api/v1/signatures/confirm/", {"token": token}, format="json")

    return post


def test_the_default_is_a_households_few(settings):
    assert settings.EMAIL_DECLARATIONS_PER_ADDRESS == CAP


@pytest.mark.django_db
def test_six_invented_people_with_one_address_count_as_four_at_most(sign, confirm, open_to_email):  # noqa: F811
    answers = []
    # One mailbox, written six ways: the cap is on the mailbox, not on the spelling.
    for number, email in enumerate(
        [MAILBOX, "Rodzina.Nowakow@example.org", "rodzina.nowakow+2@example.org", MAILBOX, MAILBOX, MAILBOX]
    ):
        submitted = sign(number, email)
        answers.append(submitted.status_code)
        if submitted.status_code == 202:
            answers.append(confirm(email.lower()).status_code)
        else:
            assert submitted.json() == {"email": [mailbox_full_message()]}

    assert answers == [202, 200] * CAP + [400, 400]
    assert support_count(open_to_email).counted == CAP
    assert Signature.objects.count() == CAP  # the refused declarations left nothing behind


@pytest.mark.django_db
def test_declarations_made_while_there_was_room_are_refused_at_confirmation(
    sign,
    confirm,
    open_to_email,  # noqa: F811
):
    for number in range(CAP + 1):
        assert sign(number).status_code == 202

    answers = [confirm(which=number) for number in range(CAP + 1)]

    assert [answer.status_code for answer in answers] == [200] * CAP + [409]
    assert answers[-1].json() == {"detail": mailbox_full_message()}
    assert support_count(open_to_email).counted == CAP
    assert Signature.objects.filter(status=SignatureStatus.PENDING).count() == 1
    # And a new declaration from the mailbox is now refused at once, in the same words.
    assert sign(CAP + 1).json() == {"email": [mailbox_full_message()]}


@pytest.mark.django_db
def test_the_cap_fills_the_same_whether_or_not_a_person_had_signed(sign, confirm):
    """Two snoops, each with a mailbox: one types a person who had signed, the other one who had not."""
    assert sign(100, "osoba@example.org").status_code == 202
    assert confirm("osoba@example.org").status_code == 200

    def story(mailbox: str, typed: int) -> list:
        answers = []
        for number in [*range(typed + 1, typed + CAP), typed, typed + CAP]:
            submitted = sign(number, mailbox)
            answers.append((submitted.status_code, submitted.content))
            if submitted.status_code == 202:
                confirmed = confirm(mailbox)
                answers.append((confirmed.status_code, confirmed.content))
        return answers

    assert story("pierwszy.ciekawski@example.net", 100) == story("drugi.ciekawski@example.net", 200)


@pytest.mark.django_db
def test_a_withdrawal_gives_the_place_back(sign, confirm, api_client, django_capture_on_commit_callbacks):
    for number in range(CAP):
        sign(number)
        confirm()
    receipt = next(message for message in reversed(mail.outbox) if "/withdraw/" in message.body)
    token = re.search(r"/signatures/withdraw/([^/\s]+)/", receipt.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api_client.post("/api/v1/signatures/withdraw/", {"token": token}, format="json").status_code
            == 200
        )

    assert sign(CAP).status_code == 202
    assert confirm().status_code == 200


@pytest.mark.django_db
def test_the_pages_say_it_beside_the_address_and_on_the_confirmation_page(
    sign,
    open_to_email,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    for number in range(CAP + 1):
        sign(number)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    tokens = [
        re.search(r"/signatures/confirm/([^/\s]+)/", message.body).group(1)
        for message in mail.outbox
        if "/confirm/" in message.body
    ]
    for token in tokens[:CAP]:
        with django_capture_on_commit_callbacks(execute=True):
            assert browser.post(f"/signatures/confirm/{token}/").status_code == 302

    refused = browser.post(f"/signatures/confirm/{tokens[CAP]}/")
    assert refused.status_code == 409
    assert mailbox_full_message() in refused.content.decode()

    form = {
        "first_names": "Ewa",
        "last_name": "Nowak",
        "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
        "birth_day": "1",
        "birth_month": "2",
        "birth_year": "1990",
        "citizenship": "PL",
        "email": MAILBOX,
        "declaration": "on",
        "privacy_notice": "on",
    }
    page = browser.post(f"/initiatives/{open_to_email.pk}/sign/", form)
    assert page.status_code == 200  # the form again, with the message beside the address
    html = page.content.decode()
    assert mailbox_full_message() in html and 'href="#id_email"' in html


@pytest.mark.django_db
def test_polish_says_it_in_polish(settings):
    from django.utils import translation

    with translation.override("pl"):
        message = mailbox_full_message()
    assert message.startswith("Z tego adresu e-mail") and "4 razy" in message


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("Jan.Kowalski@Example.org", "jan.kowalski@example.org"),
        ("jan+inicjatywa@example.org", "jan@example.org"),
        ("j.a.n.kowalski+x@googlemail.com", "jankowalski@gmail.com"),
        ("jan.kowalski@gmail.com", "jankowalski@gmail.com"),
        ("jan.kowalski@onet.pl", "jan.kowalski@onet.pl"),  # dots matter elsewhere
    ],
)
def test_one_mailbox_however_the_address_is_written(address, mailbox):
    assert mailbox_of(address) == mailbox


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_cannot_both_take_the_last_place(open_to_email):  # noqa: F811
    rounds = 5
    for round_number in range(rounds):
        mailbox = f"wyscig{round_number}@example.org"
        ids = []
        for number in range(CAP + 1):
            outcome = signature_submit(
                initiative_id=open_to_email.pk,
                data=supporter(**person(1000 * (round_number + 1) + number), email=mailbox),
                method="email",
            )
            ids.append(outcome.signature.pk)
        for signature_id in ids[: CAP - 1]:
            signature_confirm(token=confirm_token(signature_id))

        outcomes = at_once(*(lambda i=i: signature_confirm(token=confirm_token(i)) for i in ids[CAP - 1 :]))

        assert sum(isinstance(outcome, MailboxFull) for outcome in outcomes) == 1, outcomes
        assert sum(isinstance(outcome, Signature) for outcome in outcomes) == 1, outcomes
    assert support_count(open_to_email).counted == CAP * rounds
