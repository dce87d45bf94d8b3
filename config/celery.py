"""The Celery app: `celery -A config worker` starts a worker; tasks are found in each app's tasks.py and in
the packages listed below (filing's tasks live with filing, initiative/filing/tasks.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["initiative.filing"])


@app.task(name="config.worker_health")
def worker_health_task() -> dict:
    """Answers {"status": "ok"} when a worker is up and reaches the database: `celery -A config call …`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}
