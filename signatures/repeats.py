"""A person who had signed declares again by e-mail: the answer must not tell anyone that they had signed.

Anybody can type another person's PESEL (or name and date of birth) with their own e-mail address. Whether
that person signed is data about their political views (art. 9 RODO), so what reaches the new address is
exactly what a first signer gets: the same 202, the same confirmation e-mail from the same outbox, a link
whose confirmation answers 200 "confirmed", a receipt with a withdrawal link that works. Behind them is a
`repeated` row: never live, never counted, so confirming or withdrawing it changes nothing that counts.
The notice that the person had signed goes only to the address they gave when they signed (none when
they signed on paper or electronically); the same mailbox again gets that notice alone.
"""

from signatures.emails import send_already_signed, send_confirmation
from signatures.models import LIVE_STATUSES, Signature, SignatureStatus


def repeat_declaration_record(declared: Signature) -> None:
    """Answer an e-mail declaration of a person whose signature is already live; inside its transaction.

    `declared` is the declaration that was not inserted: its reserved id, identity hash, address and
    mailbox hash. The repeat row takes that id, so the ids in links run on as they would have.
    """
    first = (
        Signature.objects.filter(
            initiative_id=declared.initiative_id,
            identity_hash=declared.identity_hash,
            status__in=LIVE_STATUSES,
        )
        .only("email", "email_hash")
        .first()
    )
    if first is not None and first.email:
        send_already_signed(initiative_id=declared.initiative_id, email=first.email)
        if first.email_hash == declared.email_hash:
            return  # the mailbox that signed: the notice tells it all, and it learns nothing new
    repeat = Signature.objects.create(
        pk=declared.pk,
        initiative_id=declared.initiative_id,
        method=declared.method,
        status=SignatureStatus.REPEATED,
        identity_hash=declared.identity_hash,
        # Nothing of the person is stored again: the row exists for the new address's links only.
        first_names="",
        last_name="",
        address="",
        citizenship="",
        email=declared.email,
        email_hash=declared.email_hash,
        signed_on=declared.signed_on,
    )
    send_confirmation(repeat)  # the first signer's e-mail, queued the same way
