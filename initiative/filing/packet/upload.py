"""A packet sent in to be checked, as the public page and the API both take it: its size limit and its rate
limit. Nothing is stored."""

from django.utils.translation import gettext as _

from config.rate_limits import RateLimit
from initiative.errors import InvalidInput

# A packet of 100,000 signatures with paper scans attached stays well under this.
MAX_PACKET_BYTES = 200 * 1024 * 1024
FORM_OVERHEAD_BYTES = 64 * 1024  # the multipart envelope and the CSRF field around the file


class VerifyingPerAddressThrottle(RateLimit):
    """Checking a large packet costs seconds of a worker: counted per address (the rate is in
    config.rate_limits.RATES) and off with RATE_LIMITS=off, like the signing forms' limits."""

    scope = "packet_verifying"


def uploaded_packet(request, *, missing: str = "") -> bytes:
    """The uploaded file's bytes, refused (400) when missing or larger than MAX_PACKET_BYTES.

    A request that announces more than the limit is refused before its body is read: Django would
    otherwise spool all of it to a temporary file first.
    """
    too_large = InvalidInput(
        {"file": [_("The file is too large: packets the platform issues are under 200 MB.")]}
    )
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > MAX_PACKET_BYTES + FORM_OVERHEAD_BYTES:
        raise too_large
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput({"file": [missing or _("Choose the packet (a PDF file) to check.")]})
    if upload.size > MAX_PACKET_BYTES:
        raise too_large
    return upload.read()
