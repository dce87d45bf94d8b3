"""The API's error answers, described once for every operation of the OpenAPI schema
(docs/contract.md §Errors).

config/api_errors.py maps every refusal to HTTP in one place; this module says the same in the schema, from
what each view is: what it authenticates with, what it checks, whether it takes input, whether it changes
state and whether it is rate-limited. A view's own `extend_schema` answers stay as written: only a missing
answer is added, and one declared without a body gets the shape below.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Errors of the use cases that change an initiative, its committee or its support list are refused by the
# lifecycle with 409 (initiative.errors.TransitionRefused); these operations are the ones that reach them.
STATEFUL_PATH_MARKS = ("{initiative_id}", "/committee/", "/signatures/")


def error_schema(name: str, schema: dict) -> ResolvedComponent:
    """A named schema component of an error answer (#/components/schemas/<name>)."""
    return ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)


DETAIL = error_schema(
    "ErrorDetail",
    {
        "type": "object",
        "description": "A refusal with one message, in the caller's language (Polish by default).",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)

FIELD_ERRORS = error_schema(
    "FieldErrors",
    {
        "type": "object",
        "description": (
            "Field name to a list of messages; a nested field (`fields`, `justification`, `verdicts`) maps "
            "to a map or a list of its own; `non_field_errors` for the whole body; `detail` alone when the "
            "body could not be read at all."
        ),
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
)

DESCRIPTIONS = {
    "400": "Invalid input: a map of field name to messages.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but without the second factor this person needs, or a session call without its "
    "CSRF token.",
    "404": "No such object, or not visible to the caller (another council's or committee's).",
    "409": "Refused by the initiative's lifecycle now (wrong state or a guard), with the reason.",
    "429": "Too many requests from this address or for this initiative; Retry-After says when to try again.",
    "503": "The database cannot be reached for a moment (config/database_outage.py); Retry-After says when "
    "to try again.",
}

HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Token`"}},
    "429": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    "503": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema of a view, with the error answers it can give."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_codes(operation):
            shape = FIELD_ERRORS if code == "400" else DETAIL
            registry.register_on_missing(shape)
            answer = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            answer.setdefault("content", {"application/json": {"schema": shape.ref}})
            if code in HEADERS:
                answer.setdefault("headers", HEADERS[code])
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_codes(self, operation: dict) -> list[str]:
        """The error statuses this operation can answer, from what its view is."""
        codes = []
        parameters = operation.get("parameters", [])
        # Bodies and query filters are read through serializers; a body that is not JSON is 400 too.
        if "requestBody" in operation or any(parameter["in"] == "query" for parameter in parameters):
            codes.append("400")
        authenticators = self.view.get_authenticators()
        if authenticators:  # a token that is not one is refused even where anybody may call
            codes.append("401")
        permissions = self.view.get_permissions()
        csrf = self.method in UNSAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        )
        if csrf or any(not isinstance(permission, (AllowAny, IsAuthenticated)) for permission in permissions):
            codes.append("403")
        # Objects named in the path may be missing or hidden; a page number past the last page is 404 too.
        if any(parameter["in"] == "path" or parameter["name"] == "page" for parameter in parameters):
            codes.append("404")
        if self.method in UNSAFE_METHODS and any(mark in self.path for mark in STATEFUL_PATH_MARKS):
            codes.append("409")
        if self.view.get_throttles():
            codes.append("429")
        codes.append("503")  # every operation reads the database
        return codes
