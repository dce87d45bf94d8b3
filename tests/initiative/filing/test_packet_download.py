"""GET /api/v1/initiatives/{id}/packet.pdf: the committee and the council's clerks only, each download in
the access log; everybody else 404 (as if there were no initiative), anonymous 401.

Personas: the author (the committee's representative), Gliwice's clerk signed in with the second factor
(a session through the sign-in pages, or a token got with a code), Katowice's clerk, an outsider, nobody.
"""

# ruff: noqa: F811  (the fixtures imported below are named again as test arguments)

import pytest
from django.test import Client
from rest_framework.test import APIClient

from initiative.filing.packet.build import packet_build
from initiative.filing.packet.storage import packet_file_read
from initiative.models import Packet, PacketStatus
from personal_data.models import PersonalDataAccess
from tests.conftest import PASSWORD
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)
from tests.signatures.conftest import api_for, browser_for, totp_code_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def packet(seal_settings, filed_initiative) -> Packet:
    built = Packet.objects.get(initiative=filed_initiative)
    packet_build(built.pk)
    built.refresh_from_db()
    return built


def url(initiative_id: int, query: str = "") -> str:
    return f"/api/v1/initiatives/{initiative_id}/packet.pdf{query}"


def signed_in(user) -> APIClient:
    """A session without a second factor: enough for a committee member, not for a clerk."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def body(response) -> bytes:
    return response.content


def stored(packet: Packet) -> bytes:
    return packet_file_read(packet)


def accesses(user) -> list[tuple]:
    return list(
        PersonalDataAccess.objects.filter(user=user).values_list("initiative_id", "what", "records", "detail")
    )


# -- who gets it ------------------------------------------------------------------------------------------


def test_a_committee_member_downloads_the_sealed_packet_and_it_is_logged(packet, author):
    response = signed_in(author).get(url(packet.initiative_id))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="pakiet-{packet.initiative_id}-v1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == stored(packet)
    assert accesses(author) == [(packet.initiative_id, "packet", 6, "version 1")]


def test_a_clerk_of_the_council_signed_in_with_a_code_downloads_it(packet, clerk_of_gliwice, browser_for):
    response = browser_for(clerk_of_gliwice).get(url(packet.initiative_id))

    assert response.status_code == 200
    assert body(response) == stored(packet)
    assert accesses(clerk_of_gliwice) == [(packet.initiative_id, "packet", 6, "version 1")]


def test_a_clerk_with_a_token_got_with_a_code_downloads_it(packet, clerk_of_gliwice, api_for):
    response = api_for(clerk_of_gliwice).get(url(packet.initiative_id), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert body(response) == stored(packet)


def test_a_clerk_session_without_the_second_factor_is_refused(packet, clerk_of_gliwice, totp_code_for):
    totp_code_for(clerk_of_gliwice)  # the clerk has an authenticator, but this session never gave a code
    response = signed_in(clerk_of_gliwice).get(url(packet.initiative_id))
    assert response.status_code == 403
    assert accesses(clerk_of_gliwice) == []


def test_a_clerk_of_another_council_gets_404(packet, clerk_of_katowice, browser_for):
    response = browser_for(clerk_of_katowice).get(url(packet.initiative_id))
    assert response.status_code == 404
    assert accesses(clerk_of_katowice) == []


def test_an_outsider_gets_404_as_for_no_initiative(packet, outsider):
    client = signed_in(outsider)
    assert client.get(url(packet.initiative_id)).status_code == 404
    assert client.get(url(packet.initiative_id + 1000)).status_code == 404
    assert accesses(outsider) == []


def test_a_member_who_left_gets_404(packet, author):
    from django.utils import timezone

    member = packet.initiative.committee_members.exclude(user=author).select_related("user").first()
    packet.initiative.committee_members.filter(pk=member.pk).update(left_at=timezone.now())
    assert signed_in(member.user).get(url(packet.initiative_id)).status_code == 404


def test_anonymous_gets_401(packet):
    response = APIClient().get(url(packet.initiative_id))
    assert response.status_code == 401
    assert PersonalDataAccess.objects.count() == 0


def test_a_page_can_link_to_it_with_a_plain_session(packet, author):
    browser = Client()
    assert (
        browser.post("/accounts/sign-in/", {"email": author.email, "password": PASSWORD}).status_code == 302
    )
    assert browser.get(url(packet.initiative_id)).status_code == 200


# -- which version ----------------------------------------------------------------------------------------


def test_the_latest_ready_version_by_default_and_older_ones_on_request(packet, author):
    newer = Packet.objects.create(initiative=packet.initiative, version=2)  # a supplement's, still building
    client = signed_in(author)

    latest = client.get(url(packet.initiative_id))
    assert latest.status_code == 200 and 'filename="pakiet-' in latest["Content-Disposition"]
    assert latest["Content-Disposition"].endswith('-v1.pdf"')

    building = client.get(url(packet.initiative_id, "?version=2"))
    assert building.status_code == 404
    assert building.json() == {
        "detail": "Version 2 of the packet is being prepared; try again in a few minutes."
    }

    packet_build(newer.pk)
    newer.refresh_from_db()
    assert client.get(url(packet.initiative_id)).headers["Content-Disposition"].endswith('-v2.pdf"')
    older = client.get(url(packet.initiative_id, "?version=1"))
    assert older.status_code == 200 and body(older) == stored(packet)
    assert [detail for *_rest, detail in accesses(author)] == ["version 1", "version 2", "version 1"]


def test_a_version_that_does_not_exist_or_is_malformed(packet, author):
    client = signed_in(author)
    missing = client.get(url(packet.initiative_id, "?version=7"))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "This initiative has no packet of version 7."}
    malformed = client.get(url(packet.initiative_id, "?version=first"))
    assert malformed.status_code == 400 and list(malformed.json()) == ["version"]
    assert accesses(author) == []


def test_not_ready_yet_is_404_with_the_reason(filed_initiative, author):
    response = signed_in(author).get(url(filed_initiative.pk))
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Version 1 of the packet is being prepared; try again in a few minutes."
    }
    assert Packet.objects.get(initiative=filed_initiative).status == PacketStatus.BUILDING


def test_a_collecting_initiative_has_no_packet(collecting_initiative, author):
    response = signed_in(author).get(url(collecting_initiative.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "This initiative has not been filed: it has no packet."}


def test_a_deleted_file_is_reported_with_its_checksum(packet, author):
    from django.utils import timezone

    packet.file.delete(save=False)
    Packet.objects.filter(pk=packet.pk).update(file="", file_deleted_at=timezone.now())
    response = signed_in(author).get(url(packet.initiative_id))
    assert response.status_code == 404
    assert packet.sha256 in response.json()["detail"]
    assert accesses(author) == []
