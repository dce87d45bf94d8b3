"""The support list's CSV going out and the clerk's verdicts file coming in, as the page and the API both
handle them (the format itself is initiative.clerk.verification_csv)."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from initiative.clerk.verification_csv import IMPORT_MAX_BYTES, signatures_csv
from initiative.errors import InvalidInput
from initiative.models import Initiative


def signatures_csv_response(initiative: Initiative, user) -> StreamingHttpResponse:
    """The support list as a CSV download, streamed; it holds personal data, so no cache keeps it. The export
    is recorded in the access log as the response is made (initiative.clerk.verification)."""
    response = StreamingHttpResponse(signatures_csv(initiative, user), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lista-poparcia-{initiative.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def uploaded_csv(files) -> bytes:
    """The uploaded verdicts file's bytes, refused (400) when missing or larger than IMPORT_MAX_BYTES."""
    upload = files.get("file")
    if upload is None:
        raise InvalidInput({"file": [_("Choose the CSV file with the verdicts.")]})
    if upload.size > IMPORT_MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(size)d MiB.") % {"size": IMPORT_MAX_BYTES // 2**20}]}
        )
    return upload.read()
