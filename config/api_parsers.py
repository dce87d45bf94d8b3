"""The API's JSON bodies, read through the bounded reader (docs/security.md "Parsing uploads: budgets").

DRF's own JSONParser hands the whole request stream to `json.load`: Django's DATA_UPLOAD_MAX_MEMORY_SIZE
is never checked on that path, so 100 MB of `[[],[],…]` sent to a public endpoint became gigabytes of
lists, and 100,000 nested brackets a RecursionError (500). Here a body is read up to
DATA_UPLOAD_MAX_MEMORY_SIZE and bounded in values, containers and depth before it is parsed.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

from documents.bounded_reader import DecodeRefused, read_json

# The largest body the API takes is a clerk's verdicts, at most 200,000 (signatures.verification): an
# object of three fields each, so 200,000 containers and 1.2 million values.
MAX_VALUES = 1_500_000
MAX_CONTAINERS = 250_000
MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(
                _("The request body is larger than %(size)d MiB.") % {"size": limit // (1024 * 1024)}
            )
        try:
            return read_json(
                raw,
                max_bytes=limit,
                max_values=MAX_VALUES,
                max_depth=MAX_DEPTH,
                max_containers=MAX_CONTAINERS,
                parse_constant=strict_constant if self.strict else None,  # NaN is not JSON
            )
        except DecodeRefused as refused:
            if refused.reason == "not_json":
                raise ParseError(_("The request body is not valid JSON.")) from refused
            raise ParseError(
                _("The request body is nested too deeply or holds too many values.")
            ) from refused
