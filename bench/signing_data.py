"""The data of signatures_load.py: the database prepared in this process with the server's settings, a
private Redis as the broker, and distinct made-up people encoded as the API's requests."""

import contextlib
import datetime
import json
import os
import subprocess
import time
import zoneinfo

from gunicorn_server import free_port

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
REPRESENTATIVE = "anna.nowak@example.org"  # the demo committee's representative types the paper rows
FIRST_NAMES = ["Anna", "Łukasz", "Zofia", "Grzegorz", "Bożena", "Michał", "Żaneta", "Piotr"]
LETTERS = "abcdefghijklmnoprstuwyz"
FORMS = {
    # form: (path under /api/v1/initiatives/{id}/, expected status)
    "email": ("signatures/", 202),
    "paper": ("paper-signatures/", 201),
}


def django_in_this_process(env: dict[str, str]) -> None:
    """The same settings as the server's, for preparing the data and for the profile."""
    os.environ.update(env)
    import django

    django.setup()


def prepare(env: dict[str, str]) -> dict:
    django_in_this_process(env)
    from django.core.management import call_command
    from django.db import connections

    from accounts.api_tokens import api_token_issue
    from accounts.models import User
    from initiative.demo import seed_initiatives
    from initiative.models import Initiative
    from legal_templates.services import templates_load
    from municipalities.demo import demo_rules_amended, seed_municipalities
    from municipalities.local_rules import local_rules_import

    call_command("migrate", "--noinput", verbosity=0)
    seed_municipalities()
    # Gliwice's rules (II/25/2018) as an amendment accepting e-mail declarations besides paper would make
    # them: the demo's collecting initiative opens under these (before it freezes its rules), so both
    # forms are counted.
    local_rules_import([demo_rules_amended("2466011", signature_methods=["paper", "email"])])
    templates_load()
    seed_initiatives()
    initiative = Initiative.objects.get(status="collecting", municipality__teryt="2466011")
    _row, token = api_token_issue(user=User.objects.get(email=REPRESENTATIVE))
    connections.close_all()
    return {
        "initiative_id": initiative.pk,
        "token": token,
        "rules": initiative.rules["signature_methods"],
    }


@contextlib.contextmanager
def private_redis():
    """A Redis of our own on a free loopback port, in memory only, as the broker that tasks are sent to."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        import redis

        client = redis.Redis(port=port)
        for _ in range(50):
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    break
            time.sleep(0.1)
        yield {"url": f"redis://127.0.0.1:{port}/0", "pid": server.pid, "client": client}
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)
        if server.poll() is None:
            server.kill()


def person(number: int) -> dict:
    """A distinct adult per number (the identity is first name, surname and date of birth)."""
    suffix, rest = "", number
    for _ in range(4):
        suffix, rest = suffix + LETTERS[rest % len(LETTERS)], rest // len(LETTERS)
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=number % 20_000)
    return {
        "first_names": FIRST_NAMES[number % len(FIRST_NAMES)],
        "last_name": f"Nowak-{suffix.capitalize()}{LETTERS[rest % len(LETTERS)] if rest else ''}",
        "address": f"ul. Zwycięstwa {number % 200 + 1}/{number % 37 + 1}, 44-100 Gliwice",
        "birth_date": born.isoformat(),
        "citizenship": "PL",
        "declaration": True,
        "privacy_notice": True,
    }


def build_requests(form: str, target: dict, people, count: int) -> list[tuple[str, bytes, dict, int]]:
    """(path, body, headers, expected status) for `count` new people, encoded before the clock starts."""
    suffix, expected = FORMS[form]
    path = f"/api/v1/initiatives/{target['initiative_id']}/{suffix}"
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if form == "paper":
        headers["Authorization"] = f"Token {target['token']}"
    requests = []
    today = datetime.datetime.now(WARSAW).date().isoformat()
    for _ in range(count):
        number = next(people)
        data = person(number)
        if form == "email":
            data["email"] = f"osoba{number}@example.org"
        else:  # a paper row carries the date written in it and its sheet
            data["signed_on"], data["sheet_number"] = today, 1 + number // 10
        requests.append((path, json.dumps(data).encode(), headers, expected))
    return requests
