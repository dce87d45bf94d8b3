"""Operators see in the admin which e-mails keep failing, with what error, and may send them again now;
nobody sees an address or a body there, and nobody else sees the outbox at all.

Personas: an operator signed in with the second factor, and a clerk (no staff rights) signed in likewise.
The failures are real: a local mail server refused the e-mails (tests/smtp_server.py).
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from outbox.delivery import emails_send
from outbox.models import FAILING_AFTER, Email
from outbox.services import email_enqueue
from tests.accounts.conftest import PASSWORD, CommittingClient, device_code

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/outbox/email/"


def signed_in_with_code(user) -> CommittingClient:
    browser = CommittingClient(HTTP_ACCEPT_LANGUAGE="en")
    browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    response = browser.post("/accounts/sign-in/code/", {"code": device_code(user)})
    assert response.status_code == 302, response.content[:300]
    return browser


def enqueue(name: str) -> Email:
    return email_enqueue(
        kind="initiative/packet_ready", to=f"{name}@example.org", subject=f"Temat {name}", body=f"Dla {name}"
    )


@pytest.fixture
def outbox(smtp_server):
    """One e-mail the mail server refused FAILING_AFTER times, one sent, one refused once and waiting."""
    failing = enqueue("odrzucona")
    smtp_server.refuse_connections = FAILING_AFTER
    for minutes in (0, 1.01, 3.01):
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False):
            emails_send()
    sent = enqueue("doreczona")
    emails_send()
    waiting = enqueue("czekajaca")
    smtp_server.refuse_connections = 1
    emails_send()
    failing.refresh_from_db()
    assert failing.failing and failing.last_error == "SMTPConnectError"
    return {"failing": failing, "sent": sent, "waiting": waiting}


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_an_operator_sees_what_keeps_failing_and_why(operator, outbox):
    browser = signed_in_with_code(operator)

    assert OUTBOX in browser.get("/admin/").content.decode()
    assert listed(browser.get(OUTBOX)) == {email.pk for email in outbox.values()}
    assert listed(browser.get(OUTBOX, {"delivery": "failing"})) == {outbox["failing"].pk}
    assert listed(browser.get(OUTBOX, {"delivery": "waiting"})) == {
        outbox["failing"].pk,
        outbox["waiting"].pk,
    }
    assert listed(browser.get(OUTBOX, {"delivery": "sent"})) == {outbox["sent"].pk}

    page = browser.get(OUTBOX, {"delivery": "failing"}).content.decode()
    assert "SMTPConnectError" in page and "initiative/packet_ready" in page
    detail = browser.get(f"{OUTBOX}{outbox['failing'].pk}/change/").content.decode()
    for text in (page, detail):
        for name in ("odrzucona", "doreczona", "czekajaca"):
            assert name not in text  # neither the address nor the subject nor the body


def test_retry_now_sends_at_once_when_the_server_is_back(operator, outbox, smtp_server):
    browser = signed_in_with_code(operator)
    failing = outbox["failing"]
    assert failing.next_attempt_at > timezone.now()

    response = browser.post(OUTBOX, {"action": "retry_now", "_selected_action": [failing.pk]}, follow=True)

    assert response.status_code == 200 and "will be sent again now" in response.content.decode()
    failing.refresh_from_db()
    assert failing.sent_at is not None and failing.attempts == FAILING_AFTER + 1
    assert len(smtp_server.to("odrzucona@example.org")) == 1


def test_nobody_adds_changes_or_deletes_an_email_here(operator, outbox):
    browser = signed_in_with_code(operator)
    email = outbox["failing"]

    listing = browser.get(OUTBOX).content.decode()
    assert f"{OUTBOX}add/" not in listing and "delete_selected" not in listing
    assert browser.get(f"{OUTBOX}add/").status_code == 403
    page = browser.get(f"{OUTBOX}{email.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert browser.post(f"{OUTBOX}{email.pk}/change/", {"kind": "x"}).status_code == 403
    assert browser.post(f"{OUTBOX}{email.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Email.objects.filter(pk=email.pk, kind="initiative/packet_ready").exists()


def test_a_clerk_does_not_reach_the_outbox(clerk, outbox):
    browser = signed_in_with_code(clerk)
    response = browser.get(OUTBOX)
    assert response.status_code in (302, 403)
    assert "odrzucona" not in response.content.decode()
