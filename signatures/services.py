"""Use cases of supporters: sign in any form, confirm an e-mail declaration, withdraw
(docs/law.md §Forms of support).

Signers lock the initiative's row FOR SHARE: they never wait for one another, but filing, which locks it
FOR UPDATE, waits until every signature under way has committed, so the filed count is exact.
"""

import dataclasses
import datetime
import functools

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.errors import InvalidInput, TransitionRefused
from initiative.lifecycle import COLLECTING_STATES
from initiative.models import Initiative
from municipalities.models import SignatureMethod, Unit
from personal_data.encryption import keyed_hash
from signatures.checks import Supporter, clean_supporter
from signatures.emails import Heading, confirmations_cancel, send_confirmation, send_receipt
from signatures.mailbox import mailbox_check_room, mailbox_hash, mailbox_take_place
from signatures.models import LIVE_STATUSES, Signature, SignatureStatus
from signatures.repeats import repeat_declaration_record
from signatures.signed_files import signed_file_store
from signatures.tally import tally_add
from signatures.tokens import CONFIRM_MAX_AGE, CONFIRM_SALT, WITHDRAW_SALT, signature_id_from


@dataclasses.dataclass(frozen=True)
class SignOutcome:
    """What happened, for the caller's own use; supporters get the same answer either way."""

    signature: Signature | None
    duplicate: bool


@dataclasses.dataclass(frozen=True)
class Collecting:
    """What signing needs to know of a collecting initiative."""

    identifier: str  # the frozen local rules' identifier of a supporter (docs/law.md §Local rules)
    level: str  # the unit's level: who may sign depends on it
    heading: Heading  # what the confirmation e-mail prints of the initiative
    signature_id: int | None = None  # the id reserved for the signature, when asked for


def _locked_collecting(initiative_id: int, *, reserve_signature_id: bool = False) -> Collecting:
    """Lock the collecting initiative FOR SHARE and read what signing needs, in one narrow query.

    Narrow on purpose: this runs for every signature, and building a whole Initiative (JSON fields
    included) cost more than the rest of the transaction (docs/PERFORMANCE.md "Where the time goes").
    Signing reserves the new row's id in the same query: one id per declaration whatever follows, so that
    the ids in links, consecutive, say nothing of who had signed (signatures/repeats.py).
    """
    table, units = Initiative._meta.db_table, Unit._meta.db_table
    reserved = (
        f"nextval(pg_get_serial_sequence('{Signature._meta.db_table}', 'id'))"
        if reserve_signature_id
        else "NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.status, i.rules->>'identifier', u.level, {reserved}, i.title, u.council_name "  # noqa: S608
            f"FROM {table} i "
            f"JOIN {units} u ON u.id = i.municipality_id WHERE i.id = %s FOR SHARE OF i",
            [initiative_id],
        )
        row = cursor.fetchone()
    if row is None or row[0] not in COLLECTING_STATES:
        raise TransitionRefused(_("This initiative is not collecting signatures now."))
    heading = Heading(pk=initiative_id, title=row[4], council_name=row[5])
    return Collecting(identifier=row[1], level=row[2], heading=heading, signature_id=row[3])


def today_in_warsaw() -> datetime.date:
    return timezone.localdate()  # TIME_ZONE is Europe/Warsaw: the day of signing is a Polish calendar day


def identity_hash(initiative_id: int, supporter: Supporter) -> str:
    return keyed_hash(supporter.identity(), purpose=f"initiative:{initiative_id}")


def signature_submit(
    *,
    initiative_id: int,
    data: dict,
    method: str,
    entered_by=None,
    evidence: dict | None = None,
    signed_on: datetime.date | None = None,
    signed_file: tuple[bytes, str] | None = None,
) -> SignOutcome:
    """Record one person's support. E-mail declarations wait for confirmation; other forms count at once.

    A second signature of the same person (any form) changes nothing and gets the same answer; for e-mail,
    the new address gets what a first signer gets and the address that signed a notice
    (signatures/repeats.py): nobody learns from the answer whether a person signed. A mailbox that has
    confirmed as many declarations as one address may is refused, whoever the person (signatures/mailbox.py).

    `signed_on` is the day the person signed: today online; for a paper row, the date written on the sheet
    (the paper room checks it: signatures.paper.services). The age check counts on that day.
    `signed_file` (content, MIME type) is the file an electronic signature came in: kept with the signature
    it records, in the same transaction, to travel with the packet (signatures.signed_files).
    """
    signed_on = signed_on or today_in_warsaw()
    confirmed_now = method != SignatureMethod.EMAIL
    now = timezone.now()
    with transaction.atomic():
        initiative = _locked_collecting(initiative_id, reserve_signature_id=True)
        supporter, errors = clean_supporter(
            data,
            level=initiative.level,
            identifier=initiative.identifier,
            signed_on=signed_on,
            needs_email=method == SignatureMethod.EMAIL,
        )
        if errors:
            raise InvalidInput(errors)
        hashed = identity_hash(initiative_id, supporter)
        by_email = method == SignatureMethod.EMAIL
        email_hash = mailbox_hash(initiative_id, supporter.email) if by_email else ""
        if by_email:
            mailbox_check_room(initiative_id, email_hash)
        signature = Signature(
            pk=initiative.signature_id,
            initiative_id=initiative_id,
            method=method,
            status=SignatureStatus.CONFIRMED if confirmed_now else SignatureStatus.PENDING,
            identity_hash=hashed,
            first_names=supporter.first_names,
            last_name=supporter.last_name,
            address=supporter.address,
            pesel=supporter.pesel,
            birth_date=supporter.birth_date.isoformat() if supporter.birth_date else "",
            email=supporter.email,
            email_hash=email_hash,
            citizenship=supporter.citizenship,
            signed_on=signed_on,
            confirmed_at=now if confirmed_now else None,
            entered_by=entered_by,
            evidence=evidence,
        )
        if not _insert_once(signature):
            if by_email:
                repeat_declaration_record(signature)
            return SignOutcome(signature=None, duplicate=True)
        if signed_file is not None:
            signed_file_store(signature, *signed_file)
        if confirmed_now:
            tally_add(initiative_id=initiative_id, method=method, delta=1)
        else:
            send_confirmation(signature, initiative.heading)  # in the outbox with the declaration
    return SignOutcome(signature=signature, duplicate=False)


def _insert_once(signature: Signature) -> bool:
    """Insert unless the person already has a confirmed signature; the unique index decides, not a read.

    A new signature supersedes the same person's e-mail declaration that was never confirmed (a mistyped
    address, an expired link), so an abandoned e-mail cannot keep anyone from signing. Unconfirmed
    declarations are never counted, so replacing one changes no count.
    """
    if _insert_unless_live(signature):
        return True
    stale = Signature.objects.select_for_update().filter(
        initiative_id=signature.initiative_id,
        identity_hash=signature.identity_hash,
        status=SignatureStatus.PENDING,
    )
    superseded = list(stale.values_list("pk", flat=True))
    if not superseded:
        return False
    stale.delete()
    confirmations_cancel(initiative_id=signature.initiative_id, signature_ids=superseded)
    return _insert_unless_live(signature)


def _insert_unless_live(signature: Signature) -> bool:
    """One `INSERT … ON CONFLICT DO NOTHING`: the person's live signature, if any, wins without an error.

    The conflict target is the partial unique index `signature_one_per_person`; a statement rather than a
    savepoint, a model save and a release, because it runs for every signature. The id is the one reserved
    when the initiative was locked, so a conflict uses up no other.
    """
    fields, statement = _insert_statement()
    values = [field.get_db_prep_save(field.pre_save(signature, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
    if row is None:
        return False
    signature.pk = row[0]
    signature._state.adding = False
    return True


@functools.cache
def _insert_statement() -> tuple[list, str]:
    """The columns and the SQL of `_insert_unless_live`, made once per process, not per signature."""
    fields = list(Signature._meta.concrete_fields)
    live = ", ".join(f"'{status}'" for status in LIVE_STATUSES)
    statement = (
        f"INSERT INTO {Signature._meta.db_table} ({', '.join(f.column for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT (initiative_id, identity_hash) WHERE status IN ({live}) DO NOTHING RETURNING id"
    )
    return fields, statement


def signature_confirm(*, token: str) -> Signature:
    """Confirm an e-mail declaration (by POST from the landing page); repeating it changes nothing.

    A repeat declaration (signatures/repeats.py) goes through the same steps and answers the same, its
    mailbox's place included, but only stamps its own row: it is never counted.
    """
    signature_id = signature_id_from(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if signature_id is None:
        raise InvalidInput({"token": [_("This confirmation link is not valid or has expired.")]})
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
        if signature is None or signature.status_shown == SignatureStatus.WITHDRAWN:
            raise InvalidInput({"token": [_("This confirmation link is not valid or has expired.")]})
        if signature.status_shown == SignatureStatus.CONFIRMED:
            return signature
        collecting = _locked_collecting(signature.initiative_id)
        mailbox_take_place(signature)
        signature.confirmed_at = timezone.now()
        if signature.status == SignatureStatus.REPEATED:
            signature.save(update_fields=["confirmed_at"])
        else:
            signature.status = SignatureStatus.CONFIRMED
            signature.save(update_fields=["status", "confirmed_at"])
            tally_add(initiative_id=signature.initiative_id, method=signature.method, delta=1)
        send_receipt(signature, collecting.heading)  # in the outbox with the confirmation
    return signature


def signature_withdraw(*, token: str) -> Signature:
    """Withdraw support while the initiative collects (docs/law.md §Forms of support); after filing the list
    is frozen."""
    signature_id = signature_id_from(token, salt=WITHDRAW_SALT)
    if signature_id is None:
        raise InvalidInput({"token": [_("This link is not valid.")]})
    with transaction.atomic():
        signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
        if signature is None:
            raise InvalidInput({"token": [_("This link is not valid.")]})
        _locked_collecting(signature.initiative_id)
        if signature.status_shown == SignatureStatus.WITHDRAWN:
            return signature
        signature.withdrawn_at = timezone.now()
        if signature.status == SignatureStatus.REPEATED:
            # Never counted, so nothing to take back: the stamp alone makes its links answer "withdrawn".
            signature.save(update_fields=["withdrawn_at"])
            return signature
        if signature.status == SignatureStatus.CONFIRMED:
            tally_add(initiative_id=signature.initiative_id, method=signature.method, delta=-1)
        signature.status = SignatureStatus.WITHDRAWN
        signature.save(update_fields=["status", "withdrawn_at"])
    return signature
