"""The platform's Celery app as fault tests run it in a worker: `celery -A tests.faults.worker_app worker`.

The same app and tasks, with the broker's transport options taken from TEST_BROKER_TRANSPORT_OPTIONS
(JSON): the tests keep their keys apart in a Redis others may share (`global_keyprefix`), and a worker
may give back a dead worker's messages after seconds instead of the hour Redis's transport waits.
"""

import json
import os

from config.celery import app

app.conf.broker_transport_options = json.loads(os.environ.get("TEST_BROKER_TRANSPORT_OPTIONS", "{}"))

__all__ = ["app"]
