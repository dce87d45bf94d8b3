"""The clerk's work is on signatures too: the signatures tests' fixtures (a filed initiative under
verification, signed-in clients with a second factor) serve here as well."""

from tests.signatures.conftest import (  # noqa: F401  (fixtures)
    api_for,
    browser_for,
    other_verifying_initiative,
    pesel_initiative,
    sign_url,
    totp_code_for,
    verifying_initiative,
)
