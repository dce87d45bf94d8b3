"""Every address under an initiative answers without a server error, in every state, to every persona.

An initiative's frozen rules are empty until collection opens (and stay empty for a draft withdrawn before
opening, which is public): a page that reads them unguarded answers 500. The addresses are taken from the
URL configuration itself, so a page added later is covered without editing this file. Each request runs
in a savepoint that is rolled back, so an empty POST (withdraw, leave, …) does not change the state the
next request sees.
"""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from initiative import services
from initiative.clerk.decisions import (
    initiative_accept,
    initiative_record_outcome,
    initiative_reject,
    initiative_request_supplement,
    initiative_start_verification,
)
from initiative.clerk.verification import verdicts_set
from initiative.models import Initiative
from signatures.models import Signature
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    FILED_THRESHOLD,
    collecting_initiative,
    filed_initiative,
    join_committee,
    originals,
    ready_initiative,
    receive,
    start_initiative,
    templates,
)
from tests.signatures.conftest import browser_for, totp_code_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def initiative_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(name, keyword arguments) of every named route that takes an initiative's id, pages and API alike."""
    routes = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = list(pattern.pattern.converters)
                if "initiative_id" in converters:
                    routes.append((pattern.name, converters))

    walk(get_resolver().url_patterns)
    return sorted({(name, tuple(arguments)) for name, arguments in routes})


def _verified(initiative, clerk):
    receive(initiative, clerk)
    initiative_start_verification(initiative_id=initiative.pk, clerk=clerk)
    originals(initiative, clerk)
    ids = list(Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True))
    verdicts_set(
        initiative_id=initiative.pk,
        clerk=clerk,
        verdicts=[{"signature": pk, "valid": True, "reason": ""} for pk in ids[:FILED_THRESHOLD]],
    )


def _accepted(initiative, clerk):
    _verified(initiative, clerk)
    initiative_accept(initiative_id=initiative.pk, clerk=clerk, session_date=timezone.localdate())


def _window_over(initiative):
    now = timezone.now()
    Initiative.objects.filter(pk=initiative.pk).update(
        opened_at=now - datetime.timedelta(days=10), collection_ends_at=now - datetime.timedelta(days=1)
    )
    return initiative


def _allow_supplement(initiative):
    rules = {**Initiative.objects.get(pk=initiative.pk).rules, "supplement_days": 7}
    Initiative.objects.filter(pk=initiative.pk).update(rules=rules)


# state: how to reach it from a draft with a complete committee (author, clerk of Gliwice) --------------
STATES = {
    "draft": lambda initiative, author, clerk, make: initiative,
    "withdrawn_draft": lambda initiative, author, clerk, make: services.initiative_withdraw(
        initiative_id=initiative.pk, actor=author
    ),
    "collecting": lambda initiative, author, clerk, make: make("collecting"),
    "withdrawn": lambda initiative, author, clerk, make: services.initiative_withdraw(
        initiative_id=make("collecting").pk, actor=author
    ),
    "expired": lambda initiative, author, clerk, make: services.initiative_expire(
        initiative_id=_window_over(make("collecting")).pk
    ),
    "submitted": lambda initiative, author, clerk, make: make("filed"),
    "received": lambda initiative, author, clerk, make: receive(make("filed"), clerk),
    "under_verification": lambda initiative, author, clerk, make: initiative_start_verification(
        initiative_id=receive(make("filed"), clerk).pk, clerk=clerk
    ),
    "supplement": lambda initiative, author, clerk, make: (
        _allow_supplement(receive(make("filed"), clerk)),
        initiative_start_verification(initiative_id=initiative.pk, clerk=clerk),
        initiative_request_supplement(initiative_id=initiative.pk, clerk=clerk),
    ),
    "rejected": lambda initiative, author, clerk, make: (
        initiative_start_verification(initiative_id=receive(make("filed"), clerk).pk, clerk=clerk),
        initiative_reject(initiative_id=initiative.pk, clerk=clerk, reasons="Braki formalne."),
    ),
    "accepted": lambda initiative, author, clerk, make: _accepted(make("filed"), clerk),
    "adopted": lambda initiative, author, clerk, make: (
        _accepted(make("filed"), clerk),
        initiative_record_outcome(initiative_id=initiative.pk, clerk=clerk, outcome="adopted"),
    ),
}


@pytest.fixture
def initiative_in(request, ready_initiative, author, clerk_of_gliwice):  # noqa: F811
    """The ready draft moved to the state the test names."""

    def make(stage):
        if stage == "collecting":
            return services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
        request.getfixturevalue("collecting_initiative")
        return request.getfixturevalue("filed_initiative")

    def reach(state):
        STATES[state](ready_initiative, author, clerk_of_gliwice, make)
        initiative = Initiative.objects.get(pk=ready_initiative.pk)
        expected = {"withdrawn_draft": "withdrawn", "supplement": "collecting", "received": "submitted"}.get(
            state, state
        )
        assert initiative.status == expected
        return initiative

    return reach


@pytest.mark.parametrize("state", list(STATES))
def test_no_address_of_an_initiative_answers_a_server_error(
    state,
    initiative_in,
    author,
    outsider,
    clerk_of_gliwice,
    clerk_of_katowice,
    browser_for,  # noqa: F811
):
    initiative = initiative_in(state)
    member = initiative.committee_members.exclude(user=author).first()
    personas = {
        "anonymous": None,
        "committee member": browser_for(author),
        "outsider": browser_for(outsider),
        "clerk of the council": browser_for(clerk_of_gliwice),
        "clerk of another council": browser_for(clerk_of_katowice),
    }
    values = {"initiative_id": initiative.pk, "member_id": member.pk, "sheet_number": 1, "delivery_id": 1}
    routes = initiative_routes()
    assert any(name == "signature-esign" for name, _arguments in routes)
    failures = []
    for persona, browser in personas.items():
        browser = browser or Client(HTTP_ACCEPT_LANGUAGE="en")
        browser.raise_request_exception = False  # a server error is an answer to count, not to stop at
        for name, arguments in routes:
            url = reverse(name, kwargs={argument: values[argument] for argument in arguments})
            for method in ("get", "post"):
                with transaction.atomic():
                    response = getattr(browser, method)(url)
                    transaction.set_rollback(True)
                if response.status_code >= 500:
                    failures.append(f"{persona}: {method.upper()} {url} → {response.status_code}")
    assert not failures, "\n".join(failures)
