"""One mailbox, many people: how many e-mail declarations one address may confirm for one initiative.

An e-mail declaration proves only that someone reads the mailbox, so without a cap one address could
confirm any number of invented people. A household shares an address, so the cap is a few
(settings.EMAIL_DECLARATIONS_PER_ADDRESS), not one.

The cap must not itself tell anyone who signed. It counts every declaration the mailbox confirmed and did
not withdraw, a repeat declaration of a person who had signed (signatures/repeats.py) exactly as a first
one, so a mailbox fills up the same way whoever the people were; its message speaks of the mailbox only.
It is checked when a declaration is made, so that nobody waits for an e-mail that could not be
confirmed, and again, binding, when it is confirmed: under a lock on the mailbox, so that two
confirmations at the same moment cannot both take the last place.

Addresses are compared by a keyed hash (personal_data.encryption) of the normalised mailbox, scoped to the
initiative: the address itself is never searched, and hashes cannot be matched across initiatives.
"""

from django.conf import settings
from django.db import connection
from django.utils.translation import ngettext

from initiative.errors import InvalidInput, TransitionRefused
from personal_data.encryption import keyed_hash
from signatures.models import Signature

# An arbitrary advisory-lock key, unique to mailbox confirmations; the mailbox's hash is the second half.
MAILBOX_LOCK = 0x7E31
# Providers that deliver "j.an.kowalski@gmail.com" to "jankowalski@gmail.com".
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


class MailboxFull(TransitionRefused):
    """The mailbox has confirmed as many declarations for this initiative as one address may (HTTP 409)."""


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to: case folded, a "+tag" dropped, Gmail's dots ignored.

    Plus addressing and Gmail's dots would otherwise give one mailbox as many addresses as its owner
    likes. The address is checked for shape before (signatures.checks), so it holds one "@".
    """
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def mailbox_hash(initiative_id: int, email: str) -> str:
    return keyed_hash(mailbox_of(email), purpose=f"mailbox:{initiative_id}")


def mailbox_full_message() -> str:
    cap = settings.EMAIL_DECLARATIONS_PER_ADDRESS
    return ngettext(
        "Support for this initiative has already been confirmed %(count)d time from this e-mail address, "
        "as many times as one address may. Each further person needs an e-mail address of their own.",
        "Support for this initiative has already been confirmed %(count)d times from this e-mail address, "
        "as many times as one address may. Each further person needs an e-mail address of their own.",
        cap,
    ) % {"count": cap}


def _confirmed_from(initiative_id: int, email_hash: str) -> int:
    """Declarations confirmed from the mailbox and not withdrawn: first and repeat ones alike."""
    return Signature.objects.filter(
        initiative_id=initiative_id,
        email_hash=email_hash,
        confirmed_at__isnull=False,
        withdrawn_at__isnull=True,
    ).count()


def mailbox_check_room(initiative_id: int, email_hash: str) -> None:
    """Refuse a new declaration from a mailbox that is already full (InvalidInput on `email`).

    A courtesy only, without a lock: the binding check is `mailbox_take_place` at confirmation.
    """
    if _confirmed_from(initiative_id, email_hash) >= settings.EMAIL_DECLARATIONS_PER_ADDRESS:
        raise InvalidInput({"email": [mailbox_full_message()]})


def mailbox_take_place(signature: Signature) -> None:
    """Raise MailboxFull unless the declaration's mailbox has room; call in the confirming transaction.

    The transaction-scoped advisory lock on the mailbox makes a second confirmation from it wait until the
    first has committed, and then count it: without it both would count the same places and both confirm.
    """
    if not signature.email_hash:
        return  # not an e-mail declaration
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [MAILBOX_LOCK, int(signature.email_hash[:8], 16) - 2**31],
        )
    if (
        _confirmed_from(signature.initiative_id, signature.email_hash)
        >= settings.EMAIL_DECLARATIONS_PER_ADDRESS
    ):
        raise MailboxFull(mailbox_full_message())
