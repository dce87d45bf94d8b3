"""Answers while the database cannot be reached: 503 with Retry-After, never a traceback page.

When PostgreSQL restarts (an upgrade, a failover, a crash), queries fail for some seconds with Django's
OperationalError (connection refused or terminated, the pool's wait for a connection timed out) or
InterfaceError (a connection already closed). Nothing is wrong with the request: it succeeds once the
database is back, so the answer is 503 Service Unavailable with Retry-After (RFC 9110 § 15.6.4), not 500: a
page for people, `{"detail": …}` for the API. The request's transaction is lost with its connection, and
PostgreSQL commits nothing of a transaction whose connection ended, so no half-written rows remain.

Two ways in: `DatabaseOutageMiddleware` answers what a view raised (under DEBUG too, where Django would show
its technical page), `server_error`, the project's handler500, what failed around the view (a middleware
reading the session or the user). Neither reads the database nor echoes the request: the answer holds no
data. Broken connections leave the pool when they are handed back (DATABASES' pool, config/settings.py).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

OUTAGES = (OperationalError, InterfaceError)

# A restart of PostgreSQL is over in seconds (docs/security.md "Faults a deployment survives" has the
# figures); a client that waits this long finds it back.
RETRY_AFTER_SECONDS = 5


def outage_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is unavailable for a moment. Please try again shortly.")}, status=503
        )
    else:
        response = HttpResponse(render_to_string("database_unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGES):
            return None
        # The exception's kind only: its message may quote connection details, never useful to the reader.
        logger.warning("database unavailable (%s): answered 503", type(exception).__name__)
        return outage_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while Django handles the exception, which sys.exc_info() still holds."""
    if isinstance(sys.exc_info()[1], OUTAGES):
        return outage_response(request)
    return defaults.server_error(request)
