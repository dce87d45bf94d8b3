"""One place that maps refusals of the use cases to HTTP (docs/contract.md §Errors: 400 field map, 404, 409
detail)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler

from initiative.errors import InvalidInput, NotVisible, TransitionRefused


def api_exception_handler(exc, context):
    if isinstance(exc, TransitionRefused):
        return Response({"detail": exc.detail}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotVisible):
        exc = NotFound()
    return exception_handler(exc, context)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400. Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or with more fields or files than
    its limits allow, before any view reads it; under /api/ the refusal is `{"detail": …}` in JSON, as the
    schema says of every 400, and never echoes what was sent. Pages keep Django's own."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("The request cannot be read: its body is too large or has too many fields.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404. A URL under /api/ that no route matches (`/api/v1/initiatives/abc/`) is answered like
    every other 404 of the API, `{"detail": …}` in JSON, as the schema says; pages keep Django's own."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
