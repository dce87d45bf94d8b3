"""Faults a deployment survives: real processes (a Celery worker, gunicorn, a PostgreSQL server of the test's
own, an SMTP server) stopped, killed and started again while the platform works."""

import json
import uuid

import pytest
import redis

from tests.faults.processes import platform_environment
from tests.initiative.conftest import (  # noqa: F401  (fixtures shared with the initiative tests)
    collecting_initiative,
    filed_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)
from tests.pki import pki_server, seal_pki  # noqa: F401  (fixtures)


@pytest.fixture
def private_broker(redis_broker):
    """The real Redis broker with keys of this test's own: a Redis database others' tests may use at the
    same time never hands them this test's messages, nor this test's workers theirs. Yields the broker's
    URL and the transport options the workers must share (tests/faults/worker_app.py)."""
    from config.celery import app
    from tests.conftest import forget_connections

    options = {"global_keyprefix": f"faults-{uuid.uuid4().hex[:12]}:"}
    saved = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**saved, **options}
    forget_connections(app)
    yield {"url": redis_broker, "options": options}
    app.conf.broker_transport_options = saved
    forget_connections(app)
    client = redis.Redis.from_url(redis_broker)
    stale = list(client.scan_iter(f"{options['global_keyprefix']}*"))
    if stale:
        client.delete(*stale)


def broker_environment(private_broker: dict, tmp_path, *, transport_options=None, **variables: str) -> dict:
    """The environment of a worker process on this test's private broker (`transport_options` added to its
    own), with this test's database, media and mailbox (processes.platform_environment) and `variables`."""
    return platform_environment(
        tmp_path,
        CELERY_BROKER_URL=private_broker["url"],
        TEST_BROKER_TRANSPORT_OPTIONS=json.dumps({**private_broker["options"], **(transport_options or {})}),
        **variables,
    )
