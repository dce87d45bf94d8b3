"""A real Celery worker against a real Redis: proves the broker wiring, not just eager mode."""

import pytest
from celery.backends.redis import RedisBackend
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult

from config.celery import app, worker_health_task


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_to_a_real_worker(redis_broker):
    # The result is read through a backend made here: the app caches its backend per thread, and an earlier
    # test may already have cached the disabled one in this thread. The worker's own thread reads the config.
    backend = RedisBackend(app=app, url=redis_broker)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sent = worker_health_task.delay()
        result = AsyncResult(sent.id, backend=backend, app=app)
        assert result.get(timeout=20) == {"status": "ok"}
        assert result.successful()


def test_without_a_broker_tasks_run_in_the_calling_process(settings):
    assert (settings.CELERY_BROKER_URL == "memory://") == settings.CELERY_TASK_ALWAYS_EAGER
