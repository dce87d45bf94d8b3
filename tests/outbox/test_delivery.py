"""The outbox's delivery against a real SMTP conversation (tests/smtp_server.py): each e-mail at least once,
retries that back off, a refusal of one message that does not hold up the others, the address and the
server's words kept out of the bookkeeping and the logs, and sent e-mails forgotten after a while."""

import datetime
import logging

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from outbox.delivery import emails_send
from outbox.models import FIRST_RETRY, LONGEST_WAIT, Email, retry_delay
from outbox.services import email_enqueue, emails_cancel, emails_purge

pytestmark = pytest.mark.django_db

ADDRESS = "adresatka@example.org"


def enqueue(number: int = 1, *, kind: str = "tests/hello", reference: str = "") -> Email:
    return email_enqueue(
        kind=kind,
        to=f"osoba{number}@example.org",
        subject=f"Dzień dobry {number}",
        body=f"Treść dla osoby {number}: Zażółć gęślą jaźń.",
        reference=reference,
    )


def later(minutes: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def test_the_wait_doubles_from_a_minute_up_to_six_hours():
    assert [retry_delay(attempt) for attempt in (1, 2, 3, 4)] == [FIRST_RETRY * n for n in (1, 2, 4, 8)]
    assert retry_delay(9) < LONGEST_WAIT == retry_delay(10) == retry_delay(1000)


def test_a_server_that_refuses_is_tried_again_later_and_the_email_arrives_once(smtp_server, caplog):
    email = enqueue()
    smtp_server.refuse_connections = 3
    waits = []
    for _ in range(3):
        with later(sum(waits, start=0) + 0.01):  # the clock at (or just past) the retry time
            assert emails_send() == 0
        email.refresh_from_db()
        waits.append((email.next_attempt_at - email.last_attempt_at).total_seconds() / 60)
        assert emails_send() == 0  # not due before its time: no attempt, the server is not asked
    assert waits == [1, 2, 4] and smtp_server.refused == 3 and smtp_server.connections == 3
    assert (email.attempts, email.last_error, email.sent_at) == (3, "SMTPConnectError", None)

    with later(sum(waits) + 0.01):
        assert emails_send() == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 4 and email.last_error == ""
    [received] = smtp_server.to("osoba1@example.org")
    assert received.subject == "Dzień dobry 1" and "Zażółć gęślą jaźń" in received.body
    assert received.message["Message-ID"] == email.message_id  # the same on every attempt
    assert emails_send() == 0 and len(smtp_server.received) == 1

    # What operators read says what failed and when, never to whom nor what the server said.
    logged = caplog.text
    assert "SMTPConnectError" in logged and f"e-mail {email.pk} (tests/hello)" in logged
    assert "osoba1@example.org" not in logged and "try again later" not in logged


def test_a_server_down_stops_the_run_and_the_rest_wait_untouched(smtp_server):
    first, second, third = enqueue(1), enqueue(2), enqueue(3)
    smtp_server.refuse_connections = 1

    assert emails_send() == 0  # the first attempt found the server away: no point trying the others now

    assert Email.objects.get(pk=first.pk).attempts == 1
    assert Email.objects.filter(pk__in=[second.pk, third.pk], attempts=0).count() == 2
    assert emails_send() == 2  # the next run sends those; the first waits for its time
    with later(1.01):
        assert emails_send() == 1
    assert sorted(address for item in smtp_server.received for address in item.recipients) == [
        "osoba1@example.org",
        "osoba2@example.org",
        "osoba3@example.org",
    ]


def test_a_message_the_server_refuses_does_not_hold_up_the_next(smtp_server):
    refused, passed = enqueue(1), enqueue(2)
    smtp_server.reject_data = 1  # 451 after the first message's data: the connection stays usable

    assert emails_send() == 1

    refused.refresh_from_db()
    passed.refresh_from_db()
    assert (refused.sent_at, refused.attempts, refused.last_error) == (None, 1, "SMTPDataError")
    assert passed.sent_at is not None
    with later(1.01):
        assert emails_send() == 1
    assert len(smtp_server.to("osoba1@example.org")) == 1 and len(smtp_server.to("osoba2@example.org")) == 1


def test_an_email_exists_only_if_the_change_that_causes_it_commits(smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(1)
        raise RuntimeError("the change failed after queueing its e-mail")

    assert not Email.objects.exists()
    assert emails_send() == 0 and smtp_server.connections == 0


def test_addresses_subjects_and_bodies_are_encrypted_at_rest():
    email = enqueue(7)
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "to", subject, body, kind FROM outbox_email WHERE id = %s',
            [email.pk],
        )
        to, subject, body, kind = cursor.fetchone()
    assert all(value.startswith("v1.") for value in (to, subject, body))
    assert "osoba7" not in to + subject + body and "Zażółć" not in body
    assert kind == "tests/hello"  # what operators see stays readable


def test_sent_emails_are_forgotten_after_the_days_set_and_unsent_ones_never(settings, smtp_server):
    settings.OUTBOX_KEEP_SENT_DAYS = 7
    sent, waiting = enqueue(1), enqueue(2)
    smtp_server.reject_data = 0
    emails_send()
    Email.objects.filter(pk=waiting.pk).update(sent_at=None, attempts=5, next_attempt_at=timezone.now())
    sent.refresh_from_db()

    assert emails_purge(now=sent.sent_at + datetime.timedelta(days=7) - datetime.timedelta(seconds=1)) == 0
    assert emails_purge(now=sent.sent_at + datetime.timedelta(days=7, seconds=1)) == 1
    assert list(Email.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert emails_purge(now=timezone.now() + datetime.timedelta(days=3650)) == 0  # unsent: kept until it goes


def test_an_email_whose_reason_is_gone_is_taken_back_before_it_leaves():
    about_one = enqueue(1, reference="initiative:1/supporters/signature:5")
    about_initiative = enqueue(2, reference="initiative:1")
    elsewhere = enqueue(3, reference="initiative:12/supporters/signature:5")  # a prefix, not a parent
    unrelated = enqueue(4)

    assert emails_cancel(reference="initiative:1/supporters/signature:5") == 1
    assert emails_cancel(reference="initiative:1") == 1  # its own, and its parts (none left)
    assert not Email.objects.filter(pk__in=[about_one.pk, about_initiative.pk]).exists()
    assert Email.objects.filter(pk__in=[elsewhere.pk, unrelated.pk]).count() == 2
    with pytest.raises(ValueError):
        emails_cancel(reference="")


def test_an_email_already_sent_is_not_taken_back(smtp_server):
    email = enqueue(1, reference="initiative:3")
    emails_send()
    assert emails_cancel(reference="initiative:3") == 0
    assert Email.objects.filter(pk=email.pk, sent_at__isnull=False).exists()


def test_an_email_keeps_failing_is_an_error_in_the_log(smtp_server, caplog):
    email = enqueue()
    smtp_server.refuse_connections = 10
    for minutes in (0, 1.01, 3.01):
        with later(minutes):
            emails_send()
    levels = [record.levelno for record in caplog.records if record.name == "outbox.delivery"]
    assert levels == [logging.WARNING, logging.WARNING, logging.ERROR]  # the third failure in a row
    email.refresh_from_db()
    assert email.failing


def test_a_header_on_two_lines_is_refused_with_the_change_not_failed_for_ever():
    for to, subject in (("a@example.org\r\nBcc: b@example.org", "Temat"), ("a@example.org", "Temat\nBcc: b")):
        with pytest.raises(ValueError):
            email_enqueue(kind="tests/hello", to=to, subject=subject, body="Treść")
    assert not Email.objects.exists()
