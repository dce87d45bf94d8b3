"""The public page where anyone checks a packet: upload the PDF, read the report (docs/law.md §The packet).

Server-rendered, no JavaScript: a form with one file input, POSTed as multipart with CSRF; the answer is
the same page with the report. Nothing is stored. The API's size limit and rate limit apply.
"""

import math

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from config.rate_limits import wait_seconds
from initiative.errors import InvalidInput
from initiative.filing.packet.upload import VerifyingPerAddressThrottle, uploaded_packet
from initiative.filing.packet.verify import packet_verify

TEMPLATE = "initiative/packet_verify.html"


class PacketUploadForm(forms.Form):
    file = forms.FileField(
        label=_("The packet (PDF file)"),
        help_text=_("The packet as you received or downloaded it, unchanged. At most 200 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def packet_verify_page(request):
    if request.method != "POST":
        return _page(request, PacketUploadForm())
    wait = wait_seconds(request, [VerifyingPerAddressThrottle()])
    if wait is not None:
        response = _page(request, PacketUploadForm(), status=429, wait_minutes=math.ceil(wait / 60))
        response["Retry-After"] = str(wait)
        return response
    try:
        data = uploaded_packet(request)
    except InvalidInput as error:
        errors = [message for messages in error.errors.values() for message in messages]
        return _page(request, PacketUploadForm(), status=400, errors=errors)
    return _page(request, PacketUploadForm(), report=packet_verify(data))


def _page(request, form, *, status: int = 200, **context):
    """The form is never bound: the upload is read by uploaded_packet (which checks its size first), and
    its errors come in `errors`."""
    return render(request, TEMPLATE, {"form": form, "errors": [], **context}, status=status)
