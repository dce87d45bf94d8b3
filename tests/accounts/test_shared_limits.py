"""Limits hold across processes: the counters live in a cache every worker shares (the database's table, or
Redis with CACHE_URL), not in each process's memory, where two workers doubled every limit.

A second real process (tests/accounts/token_calls.py) makes half the calls; the limit counts them all.
"""

import json
import os
import random
import subprocess
import sys

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import user_create
from tests.accounts.conftest import PASSWORD
from tests.conftest import REDIS_URL, child_database_url

TOKEN = "/api/v1/auth/token/"
# A Redis database of these tests' own (the broker's tests use 15); keys are this run's client address.
REDIS_CACHE_URL = REDIS_URL.rsplit("/", 1)[0] + "/13"


def calls_in_another_process(email: str, address: str, count: int, cache_url: str) -> list[int]:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": child_database_url(),
        "ALLOWED_HOSTS": "testserver",
        "CACHE_URL": cache_url,
    }
    env.pop("TEST_DATABASE_NAME", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.accounts.token_calls", email, PASSWORD, address, str(count)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(params=["configured", "redis"])
def shared_cache(request, settings):
    """The cache as configured (the database's table unless CACHE_URL is set), and Redis."""
    if request.param == "configured":
        return os.environ.get("CACHE_URL", "")
    try:
        redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis answers at {REDIS_CACHE_URL}: CI must run the shared-cache test")
        pytest.skip(f"no Redis answers at {REDIS_CACHE_URL}")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
    }
    return REDIS_CACHE_URL


@pytest.mark.django_db(transaction=True)
def test_the_token_throttle_holds_across_two_processes(settings, shared_cache):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user, _device = user_create(email="dwa.procesy@example.org", password=PASSWORD)
    address = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    here = APIClient(REMOTE_ADDR=address)

    first = [
        here.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json").status_code
        for _ in range(6)
    ]
    second = calls_in_another_process(user.email, address, 6, shared_cache)

    try:
        assert first == [200] * 6
        assert second == [200] * 4 + [429] * 2  # AUTH_THROTTLE_RATE is 10 a minute for both together
    finally:
        cache.delete(f"throttle_auth_{address}")


@pytest.mark.django_db(transaction=True)
def test_the_lockout_holds_across_two_processes(settings):
    """Axes keeps its counts in the database: wrong passwords in one worker lock the account in another."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user, _device = user_create(email="dwa.procesy@example.org", password=PASSWORD)
    here = APIClient(REMOTE_ADDR="198.18.1.1")
    for n in range(4):
        here.post(TOKEN, {"email": user.email, "password": f"wrong {n}"}, format="json")

    elsewhere = calls_in_another_process(user.email, "198.18.2.2", 1, os.environ.get("CACHE_URL", ""))

    assert elsewhere == [200]  # four failures are below the limit: the right password gets in
    here.post(TOKEN, {"email": user.email, "password": "wrong 5"}, format="json")
    assert calls_in_another_process(user.email, "198.18.3.3", 1, os.environ.get("CACHE_URL", "")) == [429]


def test_without_cache_url_the_cache_is_the_database(settings):
    """The counters' cache is one for every process: never the per-process memory cache."""
    if os.environ.get("CACHE_URL"):
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    else:
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_migrate_made_the_cache_table():
    table = django_settings.CACHES["default"].get("LOCATION")
    if os.environ.get("CACHE_URL"):
        pytest.skip("CACHE_URL names Redis: no table")
    assert table in connection.introspection.table_names()
    cache.set("accounts:test", 1, 60)
    assert cache.get("accounts:test") == 1


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_calls_at_once_gets_exactly_the_limit(settings):
    """DRF's throttle reads and writes its counter in two steps: 30 calls at once got 18 through a limit of
    10. Checks of one counter take turns (config/rate_limits.py), so exactly 10 get a token."""
    from django.test import Client

    from tests.concurrently import at_once

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user, _device = user_create(email="naraz@example.org", password=PASSWORD)
    body = json.dumps({"email": user.email, "password": PASSWORD})

    def call():
        client = Client(REMOTE_ADDR="198.18.9.9")
        return lambda: client.post(TOKEN, body, content_type="application/json").status_code

    answers = at_once(*(call() for _ in range(30)))

    assert sorted(answers) == [200] * 10 + [429] * 20
