"""Many people signing one initiative at once: the count stays exact and nobody counts twice.

Real threads against the real database (a transactional test, so every signer commits and meets the others'
locks and the unique index). Each operation returns its connection to the pool afterwards, as a request
does, so the sixteen signers share the pool's connections the way gunicorn threads would.
"""

import datetime
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Count, Sum

from initiative import services
from initiative.errors import InvalidInput
from municipalities.demo import demo_rules_amended
from municipalities.local_rules import local_rules_import
from signatures.models import LIVE_STATUSES, Signature, SignatureTally
from signatures.selectors import support_count
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.tokens import confirm_token, withdraw_token
from tests.signatures.conftest import supporter

THREADS = 16
SEED = 4

# Gliwice's rules amended to accept e-mail declarations too, so that both forms count and the same person
# arriving by both must still count once.
GLIWICE_EMAIL_AND_PAPER = demo_rules_amended("2466011", signature_methods=["paper", "email"])

FIRST_NAMES = ["Łukasz", "Zofia", "Bożena", "Jerzy", "Żaneta", "Michał"]
LETTERS = "abcdefghijklmnoprstuwyz"


@pytest.fixture
def open_to_email(ready_initiative, author):
    local_rules_import([GLIWICE_EMAIL_AND_PAPER])
    return services.initiative_open(initiative_id=ready_initiative.pk, actor=author)


def person(number: int, *, other_spelling: bool = False) -> dict:
    """A distinct person per number; the other spelling is the same person as a clerk might type them."""
    suffix = LETTERS[number % len(LETTERS)] + LETTERS[number // len(LETTERS) % len(LETTERS)]
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = f"Wiśniewska{suffix}"
    if other_spelling:  # folded to the same identity: case and diacritics differ
        first, last = first.upper(), last.replace("ś", "s").upper()
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=number)
    return {"first_names": first, "last_name": last, "birth_date": born.isoformat()}


class Signers:
    """The operations one thread performs, each in its own connection checkout, with a record of outcomes."""

    def __init__(self, initiative_id: int, member):
        self.initiative_id = initiative_id
        self.member = member
        self.refused_confirmations = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def by_email(self, number: int, **spelling) -> int | None:
        data = supporter(**person(number, **spelling), email=f"osoba{number}@example.org")
        outcome = signature_submit(initiative_id=self.initiative_id, data=data, method="email")
        return outcome.signature.pk if outcome.signature else None

    def on_paper(self, number: int, **spelling) -> int | None:
        data = supporter(**person(number, **spelling), email=None)
        outcome = signature_submit(
            initiative_id=self.initiative_id, data=data, method="paper", entered_by=self.member
        )
        return outcome.signature.pk if outcome.signature else None

    def confirm(self, signature_id: int | None, *, may_be_gone: bool = False) -> int | None:
        if signature_id is None:  # the e-mail declaration was a duplicate: nothing to confirm
            return None
        try:
            signature_confirm(token=confirm_token(signature_id))
        except InvalidInput:
            if not may_be_gone:
                raise
            with self.lock:  # a paper entry of the same person superseded the unconfirmed declaration
                self.refused_confirmations += 1
        return signature_id

    def withdraw(self, signature_id: int | None) -> None:
        signature_withdraw(token=withdraw_token(signature_id))

    def run(self, scripts: list[list]) -> None:
        try:
            for script in scripts:
                result = None
                for step in script:
                    try:
                        result = step(self, result)
                    finally:
                        connection.close()  # back to the pool, as at the end of a request
        except Exception as error:  # reported by the test, with the others
            with self.lock:
                self.errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()


def plan(rng: random.Random) -> tuple[list[list[list]], dict[str, int]]:
    """Scripts of steps (run in order within one thread), dealt to threads; and the expected outcome.

    Each step takes the signers and the previous step's result (a signature id or None).
    """
    bundles: list[list[list]] = []  # per person: the scripts that run at the same time in other threads
    numbers = iter(range(10_000))
    expected = Counter()

    def group(name: str, count: int, *parallel_scripts, counted: bool, pending=0, withdrawn=0):
        for _ in range(count):
            number = next(numbers)
            bundles.append([[step(number) for step in script] for script in parallel_scripts])
            expected["counted"] += counted
            expected["pending"] += pending
            expected["withdrawn"] += withdrawn
            expected[name] += 1

    def email(**spelling):
        return lambda number: lambda signers, _: signers.by_email(number, **spelling)

    def paper(**spelling):
        return lambda number: lambda signers, _: signers.on_paper(number, **spelling)

    def confirm(*, may_be_gone=False):
        return lambda number: (
            lambda signers, signature_id: signers.confirm(signature_id, may_be_gone=may_be_gone)
        )

    def withdraw():
        return lambda number: lambda signers, signature_id: signers.withdraw(signature_id)

    group("e-mail, confirmed", 40, [email(), confirm()], counted=True)
    group("e-mail, never confirmed", 20, [email()], counted=False, pending=1)
    group("paper", 60, [paper()], counted=True)
    # The same person by e-mail (then confirming) in one thread and on paper in another: whichever wins,
    # one signature counts; a paper entry that supersedes the unconfirmed e-mail makes the confirmation fail.
    group("e-mail and paper at once", 30, [email(), confirm(may_be_gone=True)], [paper()], counted=True)
    group(
        "e-mail twice, two spellings", 15, [email()], [email(other_spelling=True)], counted=False, pending=1
    )
    group(
        "paper twice and e-mail",
        20,
        [paper()],
        [paper(other_spelling=True)],
        [email(other_spelling=True)],
        counted=True,
    )
    group("e-mail, confirmed, withdrawn", 10, [email(), confirm(), withdraw()], counted=False, withdrawn=1)
    group("paper, withdrawn", 15, [paper(), withdraw()], counted=False, withdrawn=1)

    rng.shuffle(bundles)
    # Dealt round-robin, the scripts of one bundle go to neighbouring threads at the same place in their
    # queues, so they run at about the same moment and meet at the unique index.
    scripts = [script for bundle in bundles for script in bundle]
    dealt = [scripts[index::THREADS] for index in range(THREADS)]
    return dealt, dict(expected)


def run_threads(signers: list[Signers], work: list[list[list]]) -> None:
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        for future in [pool.submit(s.run, scripts) for s, scripts in zip(signers, work, strict=True)]:
            future.result()


def tally_by_method(initiative_id: int) -> dict[str, int]:
    rows = (
        SignatureTally.objects.filter(initiative_id=initiative_id)
        .values("method")
        .annotate(total=Sum("count"))
    )
    return {row["method"]: row["total"] for row in rows if row["total"]}


def confirmed_by_method(initiative_id: int) -> dict[str, int]:
    rows = (
        Signature.objects.filter(initiative_id=initiative_id, status="confirmed")
        .values("method")
        .annotate(total=Count("id"))
    )
    return {row["method"]: row["total"] for row in rows}


def identities_with_two_live_rows(initiative_id: int) -> list[str]:
    return list(
        Signature.objects.filter(initiative_id=initiative_id, status__in=LIVE_STATUSES)
        .values("identity_hash")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
        .values_list("identity_hash", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_signers_count_each_person_once(open_to_email, author, api_client):
    initiative_id = open_to_email.pk
    work, expected = plan(random.Random(SEED))
    assert sum(len(script) for scripts in work for script in scripts) == 400  # 16 threads x 25 steps
    signers = [Signers(initiative_id, author) for _ in work]

    run_threads(signers, work)

    assert [error for s in signers for error in s.errors] == []
    signatures = Signature.objects.filter(initiative_id=initiative_id)
    confirmed = signatures.filter(status="confirmed")
    # The public count, through the selector and as the API shows it.
    assert support_count(open_to_email).counted == expected["counted"]
    detail = api_client.get(f"/api/v1/initiatives/{initiative_id}/").json()
    assert detail["signature_count"] == expected["counted"]
    # The tally is the sum of confirmed rows, form by form: no increment lost or doubled.
    assert tally_by_method(initiative_id) == confirmed_by_method(initiative_id)
    # One confirmed row per counted person, one pending row per person who never confirmed, no one twice.
    assert confirmed.count() == confirmed.values("identity_hash").distinct().count() == expected["counted"]
    assert signatures.filter(status="pending").count() == expected["pending"]
    assert signatures.filter(status="withdrawn").count() == expected["withdrawn"]
    assert identities_with_two_live_rows(initiative_id) == []
    # Superseded declarations are refused at confirmation, and only those of people who also signed on paper.
    refused = sum(s.refused_confirmations for s in signers)
    assert refused <= expected["e-mail and paper at once"]


@pytest.mark.django_db(transaction=True)
def test_confirm_twice_and_withdraw_at_once_leave_an_exact_tally(open_to_email):
    initiative_id = open_to_email.pk
    signers = Signers(initiative_id, None)
    signature_ids = [signers.by_email(5000 + number) for number in range(12)]
    connection.close()
    outcomes = Counter()
    lock = threading.Lock()

    def attempt(action, signature_id: int, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            action(signature_id)
            result = "done"
        except InvalidInput:
            result = "refused"  # confirming what was already withdrawn
        finally:
            connection.close()
        with lock:
            outcomes[(action.__name__, result)] += 1

    def confirm(signature_id):
        signature_confirm(token=confirm_token(signature_id))

    def withdraw(signature_id):
        signature_withdraw(token=withdraw_token(signature_id))

    with ThreadPoolExecutor(max_workers=6) as pool:
        for signature_id in signature_ids:
            barrier = threading.Barrier(3)
            futures = [
                pool.submit(attempt, action, signature_id, barrier) for action in (confirm, confirm, withdraw)
            ]
            for future in futures:
                future.result()

    statuses = set(Signature.objects.filter(pk__in=signature_ids).values_list("status", flat=True))
    assert statuses == {"withdrawn"}
    assert tally_by_method(initiative_id) == confirmed_by_method(initiative_id) == {}
    assert support_count(open_to_email).counted == 0
    assert outcomes[("withdraw", "done")] == len(signature_ids)
    assert outcomes[("confirm", "done")] + outcomes[("confirm", "refused")] == 2 * len(signature_ids)
