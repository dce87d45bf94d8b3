"""E-mails to supporters: confirm, receipt with the withdrawal link, and "you have already signed".

Each is put into the outbox (outbox/services.py) in the transaction of the change it follows: the
declaration (a first one or a repeat: the same e-mail, signatures/repeats.py), the confirmation, the repeat
that earns the notice. So it goes out, at least once, if and only if that change committed. Each carries a
reference under its initiative's, `initiative:<id>/supporters/…`, so that a declaration superseded before
its e-mail left takes that e-mail back, and the initiative's erasure takes back what never left.
"""

import dataclasses

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from initiative.emails import initiative_reference
from initiative.models import Initiative
from outbox.services import email_enqueue, emails_cancel
from signatures.privacy import council_in_sentence
from signatures.tokens import confirm_token, withdraw_token


def supporters_reference(initiative_id: int) -> str:
    return f"{initiative_reference(initiative_id)}/supporters"


def _signature_reference(initiative_id: int, signature_id: int) -> str:
    return f"{supporters_reference(initiative_id)}/signature:{signature_id}"


@dataclasses.dataclass(frozen=True)
class Heading:
    """What the e-mails print of their initiative. Signing reads it with its lock (services.py), as a whole
    Initiative (its JSON fields) would cost more than the rest of a signature (docs/PERFORMANCE.md)."""

    pk: int
    title: str
    council_name: str


def heading_of(initiative_id: int) -> Heading:
    title, council = (
        Initiative.objects.filter(pk=initiative_id).values_list("title", "municipality__council_name").get()
    )
    return Heading(pk=initiative_id, title=title, council_name=council)


def _send(template: str, heading: Heading, context: dict, recipient: str, reference: str) -> None:
    page = f"{settings.SITE_URL}/initiatives/{heading.pk}/"
    context = {**context, "initiative": heading, "page": page}
    with translation.override(settings.LANGUAGE_CODE):
        # "… do Rady Miasta Gliwice": the council's name as the sentence needs it (signatures.privacy).
        context["council_of"] = council_in_sentence(heading.council_name)
        subject = render_to_string(f"signatures/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"signatures/email/{template}.txt", context)
    kind = f"signatures/{template}"
    email_enqueue(kind=kind, to=recipient, subject=subject, body=body, reference=reference)


def send_confirmation(signature, heading: Heading | None = None) -> None:
    link = f"{settings.SITE_URL}/signatures/confirm/{confirm_token(signature.pk)}/"
    reference = _signature_reference(signature.initiative_id, signature.pk)
    heading = heading or heading_of(signature.initiative_id)
    _send("confirm", heading, {"link": link}, signature.email, reference)


def send_receipt(signature, heading: Heading | None = None) -> None:
    link = f"{settings.SITE_URL}/signatures/withdraw/{withdraw_token(signature.pk)}/"
    reference = _signature_reference(signature.initiative_id, signature.pk)
    heading = heading or heading_of(signature.initiative_id)
    _send("receipt", heading, {"link": link}, signature.email, reference)


def send_already_signed(*, initiative_id: int, email: str) -> None:
    reference = f"{supporters_reference(initiative_id)}/notice"
    _send("already_signed", heading_of(initiative_id), {}, email, reference)


def confirmations_cancel(*, initiative_id: int, signature_ids: list[int]) -> None:
    """Take back the confirmation e-mails of declarations that are gone before their e-mails left."""
    for signature_id in signature_ids:
        emails_cancel(reference=_signature_reference(initiative_id, signature_id))
