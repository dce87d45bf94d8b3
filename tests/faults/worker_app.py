"""The platform's Celery app as fault tests run it in a worker: `celery -A tests.faults.worker_app worker`.

The same app, tasks and settings, with what only a test needs, from the environment:
- TEST_BROKER_TRANSPORT_OPTIONS (JSON), added to the settings' transport options: the tests keep their keys
  apart in a Redis others may share (`global_keyprefix`), and a worker may give back a dead worker's
  messages after seconds instead of the hour Redis's transport waits;
- TEST_SMTP_PORT: the SMTP server on this machine's loopback that the test runs (the settings read no
  mail server's address: a deployment's is localhost, port 25).
"""

import json
import os

from django.conf import settings

from config.celery import app

app.conf.broker_transport_options = {
    **app.conf.broker_transport_options,
    **json.loads(os.environ.get("TEST_BROKER_TRANSPORT_OPTIONS", "{}")),
}
if os.environ.get("TEST_SMTP_PORT"):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(os.environ["TEST_SMTP_PORT"])

__all__ = ["app"]
