"""Signed, single-purpose tokens for links in e-mails: nothing secret is stored, and a token made for one
purpose (salt) is useless for another."""

from django.core import signing

INVITATION_SALT = "initiative.committee-invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600  # two weeks to accept an invitation


def invitation_token(invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=INVITATION_SALT, compress=True)


def invitation_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return value if isinstance(value, int) else None
