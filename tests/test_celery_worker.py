"""A real Celery worker against a real Redis: proves the broker wiring, not just eager mode."""

import os

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from config.celery import app, worker_health_task

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_broker():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        message = f"no Redis answers at {REDIS_URL} (set TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the broker test")
        pytest.skip(message)
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    yield REDIS_URL
    app.conf.update(saved)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_to_a_real_worker(redis_broker):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = worker_health_task.delay()
        assert result.get(timeout=20) == {"status": "ok"}
        assert result.successful()


def test_without_a_broker_tasks_run_in_the_calling_process(settings):
    assert settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER
