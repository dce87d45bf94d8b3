"""E-mails to supporters: confirm, receipt with the withdrawal link, and "you have already signed".

Each is put into the outbox (outbox/services.py) in the transaction of the change it follows: the
declaration (a first one or a repeat: the same e-mail, signatures/repeats.py), the confirmation, the repeat
that earns the notice. So it goes out, at least once, if and only if that change committed. Each carries a
reference under its initiative's, `initiative:<id>/supporters/…`, so that a declaration superseded before
its e-mail left takes that e-mail back, and the initiative's erasure takes back what never left.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from initiative.emails import initiative_reference
from initiative.models import Initiative
from outbox.services import email_enqueue, emails_cancel
from signatures.tokens import confirm_token, withdraw_token


def supporters_reference(initiative_id: int) -> str:
    return f"{initiative_reference(initiative_id)}/supporters"


def _signature_reference(initiative_id: int, signature_id: int) -> str:
    return f"{supporters_reference(initiative_id)}/signature:{signature_id}"


def _initiative(initiative_id: int) -> Initiative:
    # Only what the e-mails print: this runs for every declaration, and a whole Initiative (its JSON
    # fields) costs more than the rest (docs/PERFORMANCE.md "Where the time goes").
    return (
        Initiative.objects.select_related("municipality")
        .only("title", "municipality__council_name")
        .get(pk=initiative_id)
    )


def _send(template: str, initiative_id: int, context: dict, recipient: str, reference: str) -> None:
    initiative = _initiative(initiative_id)
    page = f"{settings.SITE_URL}/initiatives/{initiative.pk}/"
    context = {**context, "initiative": initiative, "page": page}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"signatures/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"signatures/email/{template}.txt", context)
    kind = f"signatures/{template}"
    email_enqueue(kind=kind, to=recipient, subject=subject, body=body, reference=reference)


def send_confirmation(signature) -> None:
    link = f"{settings.SITE_URL}/signatures/confirm/{confirm_token(signature.pk)}/"
    reference = _signature_reference(signature.initiative_id, signature.pk)
    _send("confirm", signature.initiative_id, {"link": link}, signature.email, reference)


def send_receipt(signature) -> None:
    link = f"{settings.SITE_URL}/signatures/withdraw/{withdraw_token(signature.pk)}/"
    reference = _signature_reference(signature.initiative_id, signature.pk)
    _send("receipt", signature.initiative_id, {"link": link}, signature.email, reference)


def send_already_signed(*, initiative_id: int, email: str) -> None:
    reference = f"{supporters_reference(initiative_id)}/notice"
    _send("already_signed", initiative_id, {}, email, reference)


def confirmations_cancel(*, initiative_id: int, signature_ids: list[int]) -> None:
    """Take back the confirmation e-mails of declarations that are gone before their e-mails left."""
    for signature_id in signature_ids:
        emails_cancel(reference=_signature_reference(initiative_id, signature_id))
