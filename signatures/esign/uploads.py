"""What the e-signature page and API send and receive: the statement as a download, the signed file's upload.

Shared by the page (signatures.esign.views) and the API (signatures.esign.api), so that both answer alike.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from initiative.errors import InvalidInput
from signatures.esign.services import MAX_UPLOAD_BYTES


def statement_response(pdf: bytes, initiative_id: int) -> HttpResponse:
    """The PDF as a download; it carries personal data, so no cache keeps it."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="oswiadczenie-poparcia-{initiative_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def signed_file(files) -> bytes:
    """The uploaded file's bytes, refused (400) when missing or larger than a signed statement can be."""
    upload = files.get("file")
    if upload is None:
        raise InvalidInput({"file": [_("Choose the signed statement (a PDF file) to upload.")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise InvalidInput({"file": [_("The file is too large: a signed statement is well under 5 MB.")]})
    return upload.read()
