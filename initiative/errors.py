"""What can go wrong in a use case, independent of HTTP; config/api_errors.py maps each to a status code."""


class DomainError(Exception):
    """Base of every refusal a use case gives."""


class TransitionRefused(DomainError):
    """The action is not possible now (wrong state or a guard failed): HTTP 409."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidInput(DomainError):
    """The input is wrong field by field: HTTP 400 with a map of field name to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(str(errors))
        self.errors = errors


class NotVisible(DomainError):
    """The object does not exist for this person (other committee, other council): HTTP 404."""
