"""Supporters' personal data leave no plaintext trace in logs, e-mails, tasks, error answers or the database.

A whole flow for a council whose rules identify supporters by PESEL (the tarnogórski powiat: Polish citizens
only), with everything the platform can write down captured on the way: every log record at DEBUG including
the SQL with its parameters, every e-mail, every Celery task's arguments and result, every response body,
and at the end the text of every row of every table. Then each is searched for the PESEL numbers in any
plain form, and for the names and the address. Nothing of ours is patched: we only listen.
"""

import base64
import hashlib
import logging
import re

import pytest
from celery import signals
from django.core import mail
from django.db import connection
from django.utils import timezone
from psycopg import sql
from rest_framework.test import APIClient

from accounts.api_tokens import api_token_issue
from initiative import services
from municipalities.local_rules import local_rules_import
from signatures.models import Signature
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    complete_committee,
    join_committee,
    start_initiative,
    templates,
)

POWIAT_TARNOGORSKI = "2413"
TARNOGORSKI_BY_PESEL = {
    "teryt": POWIAT_TARNOGORSKI,
    "resolution": "XV/120/2019",
    "adopted_on": "2019-11-27",
    "committee_min": 5,
    "representative": "optional",
    "identifier": "pesel",
    "signature_methods": ["paper", "email"],
    "collection_days": None,
    "verification_days": None,
    "supplement_days": None,
}

# Valid test numbers (checksums right): born 14 May 1944 and 12 March 1976.
ONLINE_PESEL, PAPER_PESEL = "44051401458", "76031205617"
WRONG_CHECKSUM_PESEL = "44051401459"
ONLINE = {
    "first_names": "Bożydar Teofil",
    "last_name": "Przybyłowicz-Ziętek",
    "address": "ul. Sienkiewicza 17/4, 42-600 Tarnowskie Góry",
    "pesel": ONLINE_PESEL,
    "citizenship": "PL",
    "email": "poparcie.tg@example.net",
    "declaration": True,
    "privacy_notice": True,
}
ON_PAPER = {
    "first_names": "Scholastyka",
    "last_name": "Wierzbięta",
    "address": "ul. Opolska 3, 42-612 Nakło Śląskie",
    "pesel": PAPER_PESEL,
    "citizenship": "PL",
    "declaration": True,
    "privacy_notice": True,
}
NAMES_AND_ADDRESSES = [
    "Bożydar",
    "Teofil",
    "Przybyłowicz",
    "Przybylowicz",  # folded, as an identity would be normalised
    "Ziętek",
    "Sienkiewicza 17",
    "Scholastyka",
    "Wierzbięta",
    "Wierzbieta",
    "Opolska 3",
]


def pesel_forms(number: str) -> list[str]:
    """Every plain or trivially reversible form a PESEL could take in a trace (unkeyed hashes included:
    with 11 digits and a checksum, a PESEL is found again from its plain hash in seconds)."""
    forms = [number, number.encode().hex(), base64.b64encode(number.encode()).decode().rstrip("=")]
    for value in (number, f"pesel:{number}"):
        for algorithm in ("md5", "sha1", "sha256"):
            forms.append(hashlib.new(algorithm, value.encode()).hexdigest())
    return forms


def pesel_patterns(number: str) -> list[re.Pattern]:
    """The number as typed with separators ("440 514 014 58", "44-05-14-01458") or pieces in JSON."""
    return [
        re.compile(r"[\s.\-/]?".join(number)),
        re.compile(r"\D?".join(number[:6]) + r"\D{0,3}" + number[6:]),
    ]


def findings(haystack: str, *, extra: tuple[str, ...] = ()) -> list[str]:
    found = []
    folded = haystack.casefold()
    for number in (ONLINE_PESEL, PAPER_PESEL, WRONG_CHECKSUM_PESEL):
        found += [f"PESEL form {form!r}" for form in pesel_forms(number) if form.casefold() in folded]
        found += [f"PESEL pattern {p.pattern!r}" for p in pesel_patterns(number) if p.search(haystack)]
    found += [f"text {text!r}" for text in (*NAMES_AND_ADDRESSES, *extra) if text.casefold() in folded]
    return found


class TaskRecorder:
    """Arguments and results of every Celery task run or published during the test (signals only)."""

    def __init__(self):
        self.calls: list[dict] = []

    def prerun(self, sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        self.calls.append({"task": task.name, "args": args, "kwargs": kwargs})

    def postrun(self, sender=None, task_id=None, task=None, retval=None, state=None, **extra):
        self.calls.append({"task": task.name, "retval": retval, "state": state})

    def published(self, sender=None, body=None, headers=None, **extra):
        self.calls.append({"task": sender, "published_body": body, "headers": headers})


@pytest.fixture
def task_recorder():
    recorder = TaskRecorder()
    hooks = [
        (signals.task_prerun, recorder.prerun),
        (signals.task_postrun, recorder.postrun),
        (signals.before_task_publish, recorder.published),
    ]
    for signal, receiver in hooks:
        signal.connect(receiver, weak=False)
    yield recorder
    for signal, receiver in hooks:
        signal.disconnect(receiver)


@pytest.fixture
def by_pesel_initiative(start_initiative, join_committee, author):  # noqa: F811 (fixtures imported above)
    """A collecting initiative for the tarnogórski powiat, whose rules ask supporters for their PESEL."""
    local_rules_import([TARNOGORSKI_BY_PESEL])
    initiative = start_initiative(author, teryt=POWIAT_TARNOGORSKI, slug="dowolna")
    complete_committee(initiative, author, join_committee, address="ul. Krakowska 1, 42-600 Tarnowskie Góry")
    return services.initiative_open(initiative_id=initiative.pk, actor=author)


@pytest.fixture
def full_logging(caplog, settings):
    """Every record at DEBUG, including each SQL statement with its parameters (Django logs SQL only when
    DEBUG is on or a debug cursor is forced; both are, for the connection of this test)."""
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "django.request", "celery", "signatures", "initiative"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False


def log_text(caplog) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.__dict__))  # arguments, SQL parameters, exception text, extras
    return "\n".join(parts)


def mail_text() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body, repr(message.extra_headers)]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        parts.append(message.message().as_string())
    return "\n".join(parts)


def database_text() -> str:
    """Every row of every table of the test database as text (whole-row casts cover every column)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall()]
        rows = []
        for table in tables:
            cursor.execute(sql.SQL("SELECT t::text FROM {} AS t").format(sql.Identifier(table)))
            rows += [f"{table}: {text}" for (text,) in cursor.fetchall()]
    return "\n".join(rows)


def confirmation_token() -> str:
    return re.search(r"/signatures/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)


def withdrawal_token() -> str:
    return re.search(r"/signatures/withdraw/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_the_detectors_see_plaintext_where_it_would_be():
    logged = f"INSERT INTO signatures_signature VALUES (%s); args=('{ONLINE_PESEL}',)"
    assert findings(logged) and findings("PESEL 440 514 014 58") and findings('"pesel": "44-05-14-01458"')
    assert findings(hashlib.sha256(f"pesel:{PAPER_PESEL}".encode()).hexdigest())
    assert findings("UL. SIENKIEWICZA 17/4") and not findings("ul. Krakowska 1, 42-600 Tarnowskie Góry")


@pytest.mark.django_db
def test_a_supporters_pesel_name_and_address_leave_no_plaintext_trace(
    by_pesel_initiative, author, full_logging, task_recorder, django_capture_on_commit_callbacks
):
    initiative_id = by_pesel_initiative.pk
    sign_url = f"/api/v1/initiatives/{initiative_id}/signatures/"
    public, committee_member = APIClient(), APIClient()
    committee_member.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=author)[1]}")
    responses = []

    def record(response, *expected: int):
        responses.append(response)
        assert response.status_code in expected, response.content
        return response

    # The logging really shows SQL parameters: a query carrying the number in plaintext would be caught.
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [ONLINE_PESEL])
    assert findings(log_text(full_logging))
    full_logging.clear()

    with django_capture_on_commit_callbacks(execute=True):
        record(public.post(sign_url, ONLINE, format="json"), 202)
    with django_capture_on_commit_callbacks(execute=True):
        record(
            public.post("/api/v1/signatures/confirm/", {"token": confirmation_token()}, format="json"), 200
        )
    withdraw = withdrawal_token()
    # The same person again, from another address: the same answer, a confirmation to that address like a
    # first signer's, and an "already signed" notice to the first address.
    with django_capture_on_commit_callbacks(execute=True):
        record(public.post(sign_url, {**ONLINE, "email": "inny.adres@example.net"}, format="json"), 202)
    # A committee member types a paper row.
    with django_capture_on_commit_callbacks(execute=True):
        paper_url = f"/api/v1/initiatives/{initiative_id}/paper-signatures/"
        row = {**ON_PAPER, "signed_on": timezone.localdate().isoformat()}
        record(committee_member.post(paper_url, row, format="json"), 201)
    # Refusals, each carrying the number: an EU citizen at powiat level, a bad checksum, a bad address,
    # the number in a name, a field these rules do not ask for, broken JSON, the number as a token.
    for data in (
        {**ONLINE, "citizenship": "EU"},
        {**ONLINE, "pesel": WRONG_CHECKSUM_PESEL},
        {**ONLINE, "email": f"{ONLINE_PESEL}@"},
        {**ONLINE, "first_names": f"Bożydar {ONLINE_PESEL}"},
        {**ONLINE, "birth_date": "1944-05-14"},
    ):
        record(public.post(sign_url, data, format="json"), 400)
    # A field nobody asked for, holding the number: dropped by the input's shape or refused, never kept.
    record(public.post(sign_url, {**ONLINE, "numer": ONLINE_PESEL}, format="json"), 202, 400)
    broken = '{"pesel": "' + ONLINE_PESEL + '", "last_name": "Przybyłowicz-Ziętek",'
    record(public.post(sign_url, broken, content_type="application/json"), 400)
    record(public.post("/api/v1/signatures/confirm/", {"token": ONLINE_PESEL}, format="json"), 400)
    with django_capture_on_commit_callbacks(execute=True):
        record(public.post("/api/v1/signatures/withdraw/", {"token": withdraw}, format="json"), 200)
    record(public.get(f"/api/v1/initiatives/{initiative_id}/"), 200)
    record(public.get(f"/initiatives/{initiative_id}/"), 200)

    # The flow did what it should, so that the search below looks at real traces.
    # The online and the paper signature, and the repeat declaration from the other address (not counted).
    assert Signature.objects.filter(initiative_id=initiative_id).count() == 3
    assert {message.to[0] for message in mail.outbox} >= {ONLINE["email"], "inny.adres@example.net"}
    run_tasks = {call["task"] for call in task_recorder.calls if "args" in call}
    assert "outbox.tasks.send_emails_task" in run_tasks  # the outbox's run, which takes no arguments
    logs = log_text(full_logging)
    assert "INSERT INTO" in logs and "signatures_signature" in logs  # SQL was logged during the flow
    dump = database_text()
    assert by_pesel_initiative.title in dump and "signatures_signature: " in dump  # the dump reads rows

    # Outside the e-mails themselves, the supporter's address appears nowhere either.
    addresses = (ONLINE["email"], "inny.adres@example.net")
    leaks = {
        "logs": findings(logs, extra=addresses),
        "e-mails": findings(mail_text()),
        "tasks": findings(repr(task_recorder.calls), extra=addresses),
        "responses": findings(
            "\n".join(f"{r.status_code} {r.headers!r} {r.content.decode()}" for r in responses),
            extra=addresses,
        ),
        "database": findings(dump, extra=addresses),
    }
    assert leaks == {"logs": [], "e-mails": [], "tasks": [], "responses": [], "database": []}
