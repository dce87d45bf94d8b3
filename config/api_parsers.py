"""The API's JSON bodies, read through the bounded reader (docs/security.md "Parsing uploads: budgets").

DRF reads a JSON body through `request.body`, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) holds it;
but within that, `json.load` makes a Python object of every value: 2.4 MB of `[],` are 800,000 lists (about
60 MiB), and 100,000 nested brackets reach Python's recursion limit. Here the body is bounded in values,
containers and depth before it is parsed, and each refusal says which.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

from documents.bounded_reader import DecodeRefused, read_json

# The largest bodies the API takes are a clerk's verdicts, an object of three fields each: 2.5 MiB hold
# about 45,000 of them, so 50,000 containers and 300,000 values leave room; nothing the API takes nests
# deeper than 4.
MAX_VALUES = 300_000
MAX_CONTAINERS = 50_000
MAX_DEPTH = 32


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # DRF has read the body within it already
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
