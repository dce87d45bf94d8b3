"""Every way a name or an address comes in refuses the invisible characters, with the same reason, and keeps
nothing: committee declarations and invitations' acceptance (page and API), supporters by e-mail, by
electronic signature and on paper (page and API). The rules: tests/personal_data/test_person_text.py.
"""

# ruff: noqa: F811  (fixtures imported below are named again as test arguments)

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from initiative import committee
from initiative.models import CommitteeInvitation, CommitteeMember
from initiative.tokens import invitation_token
from signatures.models import Signature
from tests.initiative.conftest import paper_row
from tests.pki import (  # noqa: F401  (fixtures)
    fast_password_hashing,
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    trusted_roots,
)
from tests.signatures.conftest import sign_page_form, supporter

pytestmark = pytest.mark.django_db

# A right-to-left override in the name (the rest of the line would read backwards in the packet) and a
# zero-width space in the address (two spellings that look the same).
NAME = "Jan \u202eikswolwoK"
ADDRESS = "ul. Zwycięstwa\u200b 1, 44-100 Gliwice"
REASON = "Remove the invisible or control characters"


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def invitation(start_initiative, author, make_user):
    draft = start_initiative(author)
    invitation = committee.committee_invite(initiative_id=draft.pk, actor=author, email="nowa@example.org")
    return invitation, make_user("nowa@example.org")


def nothing_joined(invitation) -> bool:
    invitation.refresh_from_db()
    return invitation.accepted_at is None and not CommitteeMember.objects.filter(
        user__email="nowa@example.org"
    )


def test_the_committee_declaration_through_the_api(start_initiative, author):
    draft = start_initiative(author)
    client = english(APIClient())
    client.force_authenticate(author)
    response = client.post(
        f"/api/v1/initiatives/{draft.pk}/committee/declaration/",
        {"full_name": NAME, "address": ADDRESS, "role": "representative"},
        format="json",
    )
    assert response.status_code == 400
    assert REASON in response.json()["full_name"][0] and REASON in response.json()["address"][0]
    seat = CommitteeMember.objects.get(initiative=draft, user=author)
    assert seat.declared_at is None and seat.full_name == "" and seat.role == "member"


def test_the_committee_declaration_on_the_manage_page(start_initiative, author):
    draft = start_initiative(author)
    client = english(Client())
    client.force_login(author)
    page = client.post(
        f"/initiatives/{draft.pk}/committee/declare/",
        {"full_name": NAME, "address": "Gliwice", "role": "member"},
        follow=True,
    )
    assert REASON in page.content.decode()
    assert CommitteeMember.objects.get(initiative=draft, user=author).declared_at is None


def test_the_polish_reader_is_told_in_polish(start_initiative, author):
    draft = start_initiative(author)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_authenticate(author)
    response = client.post(
        f"/api/v1/initiatives/{draft.pk}/committee/declaration/",
        {"full_name": "Adam Autor", "address": ADDRESS},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["address"][0].startswith("Usuń niewidoczne znaki")


def test_accepting_an_invitation_through_the_api(invitation):
    invitation, invitee = invitation
    client = english(APIClient())
    client.force_authenticate(invitee)
    response = client.post(
        "/api/v1/committee/accept/",
        {"token": invitation_token(invitation.pk), "full_name": NAME, "address": "Gliwice", "role": "member"},
        format="json",
    )
    assert response.status_code == 400 and REASON in response.json()["full_name"][0]
    assert nothing_joined(invitation)


def test_accepting_an_invitation_on_its_page(invitation):
    invitation, invitee = invitation
    client = english(Client())
    client.force_login(invitee)
    response = client.post(
        f"/committee/accept/{invitation_token(invitation.pk)}/",
        {"full_name": "Nowa Członkini", "address": ADDRESS, "role": "member"},
    )
    assert response.status_code == 200 and REASON in response.content.decode()
    assert nothing_joined(invitation)
    assert CommitteeInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).exists()


def test_a_supporter_by_e_mail_through_the_api(collecting_initiative):
    response = english(APIClient()).post(
        f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/",
        supporter(last_name="Kowalski\u2066", address=ADDRESS),
        format="json",
    )
    assert response.status_code == 400
    assert REASON in response.json()["last_name"][0] and REASON in response.json()["address"][0]
    assert not Signature.objects.exists()


def test_a_supporter_by_e_mail_on_the_sign_page(collecting_initiative):
    data = sign_page_form(first_names=NAME)
    response = english(Client()).post(f"/initiatives/{collecting_initiative.pk}/sign/", data)
    assert response.status_code == 200 and REASON in response.content.decode()
    assert not Signature.objects.exists()


def test_a_statement_to_sign_electronically_through_the_api(krakow_collecting):
    response = english(APIClient()).post(
        f"/api/v1/initiatives/{krakow_collecting.pk}/statement.pdf",
        krakow_supporter(first_names="Jan\u200d"),
        format="json",
    )
    assert response.status_code == 400 and REASON in response.json()["first_names"][0]
    assert not Signature.objects.exists()


def test_a_statement_to_sign_electronically_on_its_page(krakow_collecting):
    data = {**krakow_supporter(address="ul. Floriańska 1\u200f, 31-019 Kraków"), "declaration": "on"}
    data["privacy_notice"] = "on"
    response = english(Client()).post(f"/initiatives/{krakow_collecting.pk}/sign/e-signature/", data)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert REASON in response.content.decode()


def test_a_paper_row_through_the_api(collecting_initiative, author):
    client = english(APIClient())
    client.force_authenticate(author)
    response = client.post(
        f"/api/v1/initiatives/{collecting_initiative.pk}/paper-signatures/",
        {**paper_row(1), "first_names": "Anna\ufeff"},
        format="json",
    )
    assert response.status_code == 400 and REASON in response.json()["first_names"][0]
    assert not Signature.objects.exists()


def test_a_paper_row_on_the_entry_page(collecting_initiative, author):
    client = english(Client())
    client.force_login(author)
    row = {
        "sheet_number": "3",
        "first_names": "Łukasz",
        "last_name": "Żółkiewski",
        "address": "ul. Zwycięstwa 10/2\u00ad, 44-100 Gliwice",  # a soft hyphen, format character too
        "birth_date": "15.03.1980",
        "citizenship": "PL",
        "signed_on": timezone.localdate().strftime("%d.%m.%Y"),
        "signed": "on",
    }
    response = client.post(f"/initiatives/{collecting_initiative.pk}/paper/", row)
    assert response.status_code in {200, 400} and REASON in response.content.decode()
    assert not Signature.objects.exists()
