"""Links in supporters' e-mails: signed tokens naming one signature, each salt good for one purpose only."""

from django.core import signing

CONFIRM_SALT = "signatures.confirm"
WITHDRAW_SALT = "signatures.withdraw"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirm_token(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=CONFIRM_SALT, compress=True)


def withdraw_token(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=WITHDRAW_SALT, compress=True)


def signature_id_from(token: str, *, salt: str, max_age: int | None = None) -> int | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
