"""Who signed, learned from nothing: a repeat declaration at a new address gets what a first signer gets.

Someone types a person's identity (here the date of birth and names; a PESEL works the same) with their
own e-mail address. The answers, the e-mails at that address, the pages behind its links and the API's
answers to them must be the same whether or not the person had signed; only the address the person gave
when they signed hears of it (docs/security.md "Who signed: answers that reveal nothing").
"""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from initiative.services import initiative_withdraw
from outbox.models import Email
from signatures.models import LIVE_STATUSES, Signature, SignatureStatus
from signatures.paper.services import paper_row_enter
from signatures.retention import signatures_erase_withdrawn
from signatures.selectors import support_count
from tests.signatures.conftest import supporter
from tests.signatures.test_concurrency import open_to_email  # noqa: F401  (a fixture)

VICTIM = {"first_names": "Jan", "last_name": "Kowalski", "birth_date": "1980-03-15"}
STRANGER = {"first_names": "Piotr", "last_name": "Nowicki", "birth_date": "1975-06-01"}
VICTIM_ADDRESS = "jan.kowalski@example.org"
SNOOP_ADDRESS = "ciekawski@example.net"  # the person who types the victim's data
FIRST_ADDRESS = "pierwszy@example.net"  # a stranger's first signature, the control
LINK = re.compile(rb"/signatures/(confirm|withdraw)/[^/\s]+/")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def sign(api_client, open_to_email, django_capture_on_commit_callbacks):  # noqa: F811
    """POST a declaration; the confirmation outbox runs as it would after the commit."""

    def post(person: dict, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(
                f"/api/v1/initiatives/{open_to_email.pk}/signatures/",
                supporter(**person, email=email),
                format="json",
            )

    return post


@pytest.fixture
def act(api_client, django_capture_on_commit_callbacks):
    """POST a link's token to the API (confirm or withdraw), tasks run after the commit."""

    def post(kind: str, token: str):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(f"/api/v1/signatures/{kind}/", {"token": token}, format="json")

    return post


def inbox(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def token(message, kind: str) -> str:
    return re.search(rf"/signatures/{kind}/([^/\s]+)/", message.body).group(1)


def as_delivered(message, address: str) -> bytes:
    """The message as it leaves, but for what must differ between any two supporters: the recipient, the
    token in the link, the date and the message's id."""
    raw = message.message().as_bytes()
    raw = b"\n".join(line for line in raw.split(b"\n") if not line.startswith((b"Date:", b"Message-ID:")))
    return LINK.sub(rb"/signatures/\1/<token>/", raw.replace(address.encode(), b"<address>"))


def page(client: Client, url: str) -> tuple[int, bytes]:
    """The page at a link, but for its own token (the language switcher returns to it) and the form's key."""
    response = client.get(url)
    return response.status_code, LINK.sub(rb"/signatures/\1/<token>/", CSRF.sub(b"<csrf>", response.content))


def signed_and_confirmed(sign, act) -> Signature:
    assert sign(VICTIM, VICTIM_ADDRESS).status_code == 202
    assert act("confirm", token(inbox(VICTIM_ADDRESS)[-1], "confirm")).status_code == 200
    return Signature.objects.get(status=SignatureStatus.CONFIRMED)


@pytest.mark.django_db
def test_a_repeat_at_a_new_address_gets_byte_for_byte_what_a_first_signer_gets(sign, act, open_to_email):  # noqa: F811
    victim = signed_and_confirmed(sign, act)
    victim_mail = len(inbox(VICTIM_ADDRESS))

    repeat, first = sign(VICTIM, SNOOP_ADDRESS), sign(STRANGER, FIRST_ADDRESS)

    assert (
        (repeat.status_code, repeat.content)
        == (first.status_code, first.content)
        == (
            202,
            b'{"status":"pending_confirmation"}',
        )
    )
    assert len(inbox(SNOOP_ADDRESS)) == len(inbox(FIRST_ADDRESS)) == 1
    assert as_delivered(inbox(SNOOP_ADDRESS)[0], SNOOP_ADDRESS) == as_delivered(
        inbox(FIRST_ADDRESS)[0], FIRST_ADDRESS
    )
    # The notice goes to the address that signed, and says nothing of the other one.
    notices = inbox(VICTIM_ADDRESS)[victim_mail:]
    assert len(notices) == 1 and "/signatures/" not in notices[0].body
    assert SNOOP_ADDRESS not in notices[0].message().as_string()

    # The landing pages of both links read the same.
    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    snoop_token, first_token = (
        token(inbox(SNOOP_ADDRESS)[0], "confirm"),
        token(inbox(FIRST_ADDRESS)[0], "confirm"),
    )
    assert page(client, f"/signatures/confirm/{snoop_token}/") == page(
        client, f"/signatures/confirm/{first_token}/"
    )

    # Confirming answers the same, twice, and a receipt follows; only the first signer is counted.
    for _again in range(2):
        assert (
            act("confirm", snoop_token).content
            == act("confirm", first_token).content
            == b'{"status":"confirmed"}'
        )
    assert len(inbox(SNOOP_ADDRESS)) == len(inbox(FIRST_ADDRESS)) == 2
    assert as_delivered(inbox(SNOOP_ADDRESS)[1], SNOOP_ADDRESS) == as_delivered(
        inbox(FIRST_ADDRESS)[1], FIRST_ADDRESS
    )
    assert page(client, f"/signatures/confirm/{snoop_token}/") == page(
        client, f"/signatures/confirm/{first_token}/"
    )
    count = support_count(open_to_email)
    assert count.counted == 2  # the victim and the stranger
    victim.refresh_from_db()
    assert (victim.status, victim.email) == (SignatureStatus.CONFIRMED, VICTIM_ADDRESS)

    # The receipt's withdrawal link works the same; withdrawing the repeat takes nothing from the victim.
    snoop_withdraw, first_withdraw = (
        token(inbox(SNOOP_ADDRESS)[1], "withdraw"),
        token(inbox(FIRST_ADDRESS)[1], "withdraw"),
    )
    assert page(client, f"/signatures/withdraw/{snoop_withdraw}/") == page(
        client, f"/signatures/withdraw/{first_withdraw}/"
    )
    assert (
        act("withdraw", snoop_withdraw).content
        == act("withdraw", first_withdraw).content
        == b'{"status":"withdrawn"}'
    )
    assert page(client, f"/signatures/withdraw/{snoop_withdraw}/") == page(
        client, f"/signatures/withdraw/{first_withdraw}/"
    )
    assert act("confirm", snoop_token).content == act("confirm", first_token).content
    assert support_count(open_to_email).counted == 1
    victim.refresh_from_db()
    assert victim.status == SignatureStatus.CONFIRMED
    assert Signature.objects.filter(status__in=LIVE_STATUSES).count() == 1


@pytest.mark.django_db
def test_the_links_of_a_repeat_and_of_a_first_signer_are_alike(sign, act):
    """A link carries a signature's id: a repeat's comes from the same sequence, so it falls among them."""
    signed_and_confirmed(sign, act)
    sign(STRANGER, FIRST_ADDRESS)
    sign(VICTIM, SNOOP_ADDRESS)
    sign({**STRANGER, "last_name": "Nowak"}, "drugi@example.net")

    by_address = {signature.email: signature.pk for signature in Signature.objects.all()}
    ids = [by_address[address] for address in (FIRST_ADDRESS, SNOOP_ADDRESS, "drugi@example.net")]
    assert ids == sorted(ids) and ids[2] - ids[0] == 2


@pytest.mark.django_db
def test_a_repeat_after_the_collection_ends_is_refused_as_a_first_signer_is(
    sign,
    act,
    open_to_email,  # noqa: F811
    author,
):
    signed_and_confirmed(sign, act)
    sign(VICTIM, SNOOP_ADDRESS)
    sign(STRANGER, FIRST_ADDRESS)
    initiative_withdraw(initiative_id=open_to_email.pk, actor=author)

    snoop = act("confirm", token(inbox(SNOOP_ADDRESS)[0], "confirm"))
    first = act("confirm", token(inbox(FIRST_ADDRESS)[0], "confirm"))
    assert (snoop.status_code, snoop.content) == (first.status_code, first.content)
    assert snoop.status_code == 409


@pytest.mark.django_db
def test_a_person_who_signed_on_paper_gets_no_notice_and_the_new_address_its_confirmation(
    sign,
    act,
    open_to_email,  # noqa: F811
    author,
):
    on_paper = {**supporter(**VICTIM), "declaration": True, "privacy_notice": True}
    del on_paper["email"]
    paper_row_enter(initiative_id=open_to_email.pk, actor=author, data=on_paper, sheet_number=1)

    assert sign(VICTIM, SNOOP_ADDRESS).status_code == 202

    assert [message.to for message in mail.outbox] == [[SNOOP_ADDRESS]]
    assert "/signatures/confirm/" in mail.outbox[0].body
    assert not Email.objects.filter(kind="signatures/already_signed").exists()
    assert act("confirm", token(mail.outbox[0], "confirm")).status_code == 200
    assert support_count(open_to_email).counted == 1


@pytest.mark.django_db
def test_the_address_that_signed_signing_again_gets_the_notice_alone(sign, act):
    signed_and_confirmed(sign, act)
    before = len(mail.outbox)

    # The same mailbox, written another way.
    assert sign(VICTIM, "Jan.Kowalski+znowu@example.org").status_code == 202

    new = mail.outbox[before:]
    assert [message.to for message in new] == [[VICTIM_ADDRESS]]
    assert "/signatures/" not in new[0].body
    assert not Signature.objects.filter(status=SignatureStatus.REPEATED).exists()


@pytest.mark.django_db
def test_a_withdrawn_repeat_loses_its_address_as_a_withdrawn_signature_does(sign, act):
    signed_and_confirmed(sign, act)
    sign(VICTIM, SNOOP_ADDRESS)
    act("confirm", token(inbox(SNOOP_ADDRESS)[0], "confirm"))
    act("withdraw", token(inbox(SNOOP_ADDRESS)[1], "withdraw"))

    erased = signatures_erase_withdrawn(timezone.now() + datetime.timedelta(seconds=1))

    repeat = Signature.objects.get(status=SignatureStatus.REPEATED)
    assert erased == 1 and repeat.email == ""
    assert Signature.objects.get(status=SignatureStatus.CONFIRMED).email == VICTIM_ADDRESS
