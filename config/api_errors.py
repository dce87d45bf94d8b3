"""One place that maps refusals of the use cases to HTTP (CONTRACT.md: 400 field map, 404, 409 detail)."""

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
