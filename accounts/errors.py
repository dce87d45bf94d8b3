"""Refusals of account use cases, independent of HTTP: forms show them, the API answers 400 with them."""


class AccountRefused(Exception):
    """A use case said no. `field` is where the message belongs (`non_field_errors` for the form as a whole);
    `code` lets views pick a follow-up (a button to resend the confirmation, say) without parsing text.
    """

    def __init__(self, message: str, *, field: str = "non_field_errors", code: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
