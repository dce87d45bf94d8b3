"""Shared fixtures: a real PostgreSQL (pytest-django's test database on the configured server) and data."""

import os
from urllib.parse import quote

import pytest
import redis
from rest_framework.test import APIClient

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def child_database_url(settings_dict: dict | None = None) -> str:
    """A URL of the database this test process uses (pytest-django's test database), for a child process.

    The host may be a socket directory (the embedded server's): quoted, as dj-database-url reads it back."""
    from django.db import connection

    given = settings_dict or connection.settings_dict
    host = quote(str(given["HOST"] or ""), safe="")
    password = f":{quote(given['PASSWORD'], safe='')}" if given.get("PASSWORD") else ""
    port = f":{given['PORT']}" if given.get("PORT") else ""
    return f"postgresql://{quote(given['USER'] or '', safe='')}{password}@{host}{port}/{given['NAME']}"


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """Rate limits count in the cache: every test starts with none used. Without CACHE_URL the cache is a
    table of the test database, so only tests that may use the database reach it (and clear it)."""
    marked = request.node.get_closest_marker("django_db") is not None
    if not marked and not DATABASE_FIXTURES & set(request.fixturenames):
        return
    from django.core.cache import cache

    request.getfixturevalue("db")  # database access as the test asked for it (transactional or not)
    cache.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """E-mails that a test's set-up put into the outbox go out before the test starts, as each would have
    after its commit (under the `db` fixture nothing commits), to a mailbox the test does not read: the
    test's `mail.outbox` and its mail server get what the test itself causes."""
    uses_database = {"db", "transactional_db"} & set(item.fixturenames)
    if item.get_closest_marker("django_db") is not None or uses_database:
        set_up_mail_delivered()


def set_up_mail_delivered() -> None:
    """Send what waits in the outbox to a mailbox nobody reads (also for a fixture that goes on to cause
    e-mails of its own and hand them to its test)."""
    import asyncio
    import threading

    from django.core import mail
    from django.db import connection
    from django.test import override_settings

    from outbox.delivery import emails_send

    def deliver() -> None:
        before = len(mail.outbox)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            emails_send()
        del mail.outbox[before:]

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        deliver()
        return

    # Browser tests: Playwright's event loop runs in this thread, and Django refuses the ORM in one.
    def deliver_and_close() -> None:
        try:
            deliver()
        finally:
            connection.close()

    thread = threading.Thread(target=deliver_and_close)
    thread.start()
    thread.join()


@pytest.fixture
def media(settings, tmp_path):
    """Uploads, scans and packets go to a directory of this test, through the storage API S3 would serve
    too. Modules that store files use it for every test (`pytestmark = pytest.mark.usefixtures("media")`)."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def demo_units(db):
    """The demo councils, loaded through the real imports (TERC subset, population, local rules)."""
    from municipalities.demo import seed_municipalities

    seed_municipalities()


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_user(db):
    """A signed-up person with a confirmed e-mail address."""
    from django.utils import timezone

    from accounts.models import User

    def make(email: str, **extra):
        return User.objects.create_user(
            email=email, password=PASSWORD, email_confirmed_at=timezone.now(), **extra
        )

    return make


@pytest.fixture
def resident(make_user):
    """Somebody who reads and supports initiatives, on no committee."""
    return make_user("mieszkanka@example.org", full_name="Maria Mieszkanka")


@pytest.fixture
def author(make_user):
    """Starts an initiative and so sits first on its committee."""
    return make_user("autor@example.org", full_name="Adam Autor")


@pytest.fixture
def representative(make_user):
    """The committee's representative (pełnomocnik)."""
    return make_user("pelnomocniczka@example.org", full_name="Paulina Pełnomocniczka")


@pytest.fixture
def outsider(make_user):
    """Signed in, but on no committee and in no council office."""
    return make_user("ktos@example.org", full_name="Kamil Ktoś")


@pytest.fixture
def clerk_of_gliwice(make_user, demo_units):
    from accounts.models import ClerkMembership
    from municipalities.models import Unit

    clerk = make_user("urzednik@gliwice.example.org", full_name="Urszula Urzędniczka")
    ClerkMembership.objects.create(user=clerk, unit=Unit.objects.get(teryt="2466011"))
    return clerk


@pytest.fixture
def clerk_of_katowice(make_user, demo_units):
    from accounts.models import ClerkMembership
    from municipalities.models import Unit

    clerk = make_user("urzednik@katowice.example.org", full_name="Kazimierz Urzędnik")
    ClerkMembership.objects.create(user=clerk, unit=Unit.objects.get(teryt="2469011"))
    return clerk


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_broker():
    """The Celery app publishing to a real Redis (a database of its own) instead of running tasks eagerly."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        message = f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the broker test")
        pytest.skip(message)
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    forget_connections(app)
    yield REDIS_URL
    app.conf.update(saved)
    forget_connections(app)


def forget_connections(app):
    """Drop the pools an earlier test made for the in-process broker; Celery keeps them for the process."""
    app.close()
    app.amqp._producer_pool = None
