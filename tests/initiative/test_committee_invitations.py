"""Committee invitations as a channel of e-mail: one pending invitation per address, no second e-mail to
it within a day, and daily limits per initiative and per inviting person (initiative/invitations.py)."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from initiative.committee import committee_invite
from initiative.errors import TransitionRefused
from initiative.models import CommitteeInvitation
from tests.concurrently import at_once

LIST = "/api/v1/initiatives/"
DAY = datetime.timedelta(hours=24)


def signed_in(api_client, user):
    api_client.force_authenticate(user)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api_client


def invite(client, initiative, email: str, capture):
    with capture(execute=True):
        return client.post(f"{LIST}{initiative.pk}/committee/invitations/", {"email": email})


def links_to(address: str) -> list[str]:
    return [
        re.search(r"/committee/accept/([^/\s]+)/", message.body).group(1)
        for message in mail.outbox
        if message.to == [address]
    ]


@pytest.mark.django_db
def test_a_repeat_invitation_within_a_day_sends_nothing_and_after_it_renews_the_same_invitation(
    api_client, start_initiative, author, make_user, django_capture_on_commit_callbacks
):
    draft = start_initiative(author)
    client = signed_in(api_client, author)
    start = timezone.now()

    first = invite(client, draft, "anna@example.org", django_capture_on_commit_callbacks)
    assert first.status_code == 201 and first.json()["emailed"] is True
    with time_machine.travel(start + datetime.timedelta(hours=23)):
        for spelling in ("anna@example.org", " Anna@Example.ORG "):
            again = invite(client, draft, spelling, django_capture_on_commit_callbacks)
            assert again.status_code == 201
            assert again.json() == {"id": first.json()["id"], "email": "anna@example.org", "emailed": False}
    assert len(links_to("anna@example.org")) == 1
    assert CommitteeInvitation.objects.filter(initiative=draft).count() == 1

    with time_machine.travel(start + DAY + datetime.timedelta(minutes=1)):
        renewed = invite(client, draft, "anna@example.org", django_capture_on_commit_callbacks)
        assert renewed.status_code == 201
        assert renewed.json() == {"id": first.json()["id"], "email": "anna@example.org", "emailed": True}
        links = links_to("anna@example.org")
        assert len(links) == 2 and CommitteeInvitation.objects.filter(initiative=draft).count() == 1

        anna = make_user("anna@example.org")
        accept = {"token": links[-1], "full_name": "Anna Nowak", "address": "Gliwice", "role": "member"}
        response = signed_in(api_client, anna).post("/api/v1/committee/accept/", accept)
        assert response.status_code == 200, response.json()


@pytest.mark.django_db
def test_invitation_e_mails_per_initiative_are_capped_per_day(
    api_client, start_initiative, author, django_capture_on_commit_callbacks, settings
):
    settings.COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY = 3
    draft = start_initiative(author)
    client = signed_in(api_client, author)
    start = timezone.now()
    for number in range(3):
        assert (
            invite(client, draft, f"c{number}@example.org", django_capture_on_commit_callbacks).status_code
            == 201
        )

    refused = invite(client, draft, "c3@example.org", django_capture_on_commit_callbacks)
    assert refused.status_code == 409
    assert "sent 3 invitations in the last 24 hours" in refused.json()["detail"]
    assert not CommitteeInvitation.objects.filter(email="c3@example.org").exists()
    assert len(mail.outbox) == 3
    # A repeat to an address already invited is no new e-mail: it is answered, not refused.
    assert invite(client, draft, "c0@example.org", django_capture_on_commit_callbacks).status_code == 201

    with time_machine.travel(start + DAY + datetime.timedelta(minutes=1)):
        assert invite(client, draft, "c3@example.org", django_capture_on_commit_callbacks).status_code == 201
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_invitation_e_mails_per_person_are_capped_per_day_across_drafts_in_polish(
    start_initiative, author, django_capture_on_commit_callbacks, settings
):
    settings.COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY = 2
    drafts = [start_initiative(author), start_initiative(author)]
    client = Client()  # Polish, the default language
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/initiatives/{drafts[0].pk}/committee/invite/", {"email": "a@example.org"})
        client.post(f"/initiatives/{drafts[1].pk}/committee/invite/", {"email": "b@example.org"})
        response = client.post(
            f"/initiatives/{drafts[1].pk}/committee/invite/", {"email": "c@example.org"}, follow=True
        )
    page = response.content.decode()
    assert "W ciągu ostatnich 24 godzin wysłano z Twojego konta najwięcej zaproszeń" in page
    assert len(mail.outbox) == 2
    assert sorted(CommitteeInvitation.objects.values_list("email", flat=True)) == [
        "a@example.org",
        "b@example.org",
    ]


@pytest.mark.django_db
def test_the_manage_page_says_when_a_repeat_sent_no_e_mail(
    start_initiative, author, django_capture_on_commit_callbacks
):
    draft = start_initiative(author)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(author)
    url = f"/initiatives/{draft.pk}/committee/invite/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "a@example.org"}, follow=True).content.decode()
        second = client.post(url, {"email": "a@example.org"}, follow=True).content.decode()
    assert "The invitation has been sent to a@example.org." in first
    assert "less than 24 hours ago and still holds, so no second e-mail went out" in second
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_rate_limits_off_lifts_the_daily_caps_but_not_the_collapse(
    api_client, start_initiative, author, django_capture_on_commit_callbacks, settings
):
    settings.RATE_LIMITS = False
    settings.COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY = 1
    settings.COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY = 1
    draft = start_initiative(author)
    client = signed_in(api_client, author)
    for email in ("a@example.org", "b@example.org", "a@example.org"):
        assert invite(client, draft, email, django_capture_on_commit_callbacks).status_code == 201
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_invitations_by_one_person_at_the_same_moment_cannot_pass_the_cap_together(
    start_initiative, author, settings
):
    """Two drafts, each locked by its own invitation: without the inviter's turn both would count none."""
    settings.COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY = 1
    drafts = [start_initiative(author) for _ in range(3)]
    connection.close()

    outcomes = at_once(
        *(
            lambda draft=draft, number=number: committee_invite(
                initiative_id=draft.pk, actor=author, email=f"x{number}@example.org"
            )
            for number, draft in enumerate(drafts)
        )
    )

    assert sum(isinstance(outcome, TransitionRefused) for outcome in outcomes) == 2, outcomes
    assert CommitteeInvitation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_collapses_repeated_pending_invitations_into_the_newest(start_initiative, author):
    before = [("initiative", "0003_filing_and_decisions")]
    executor = MigrationExecutor(connection)
    draft = start_initiative(author)
    executor.migrate(before)
    try:
        Old = executor.loader.project_state(before).apps.get_model("initiative", "CommitteeInvitation")
        start = timezone.now() - 3 * DAY
        rows = {}
        for hours, email, accepted in (
            (0, "a@example.org", False),
            (1, "A@example.org", False),
            (2, "a@example.org", False),
            (3, "b@example.org", False),
            (4, "a@example.org", True),  # an accepted one stays whatever its address
        ):
            rows[hours] = Old.objects.create(
                initiative_id=draft.pk,
                email=email,
                invited_by_id=author.pk,
                created_at=start + datetime.timedelta(hours=hours),
                accepted_at=start if accepted else None,
                accepted_by_id=author.pk if accepted else None,
            ).pk

        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        kept = CommitteeInvitation.objects.order_by("pk")
        assert [row.pk for row in kept] == [rows[2], rows[3], rows[4]]
        assert all(row.sent_at == row.created_at for row in kept)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
