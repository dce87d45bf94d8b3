"""E-mails to supporters: confirm, receipt with the withdrawal link, and "you have already signed"."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from signatures.tokens import confirm_token, withdraw_token


def _send(template: str, context: dict, recipient: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"signatures/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"signatures/email/{template}.txt", context)
    send_mail(subject, body, None, [recipient])


def _page(initiative) -> str:
    return f"{settings.SITE_URL}/initiatives/{initiative.pk}/"


def send_confirmation(signature) -> None:
    link = f"{settings.SITE_URL}/signatures/confirm/{confirm_token(signature.pk)}/"
    _send(
        "confirm",
        {"initiative": signature.initiative, "link": link, "page": _page(signature.initiative)},
        signature.email,
    )


def send_receipt(signature) -> None:
    link = f"{settings.SITE_URL}/signatures/withdraw/{withdraw_token(signature.pk)}/"
    _send(
        "receipt",
        {"initiative": signature.initiative, "link": link, "page": _page(signature.initiative)},
        signature.email,
    )


def send_already_signed(notice) -> None:
    _send("already_signed", {"initiative": notice.initiative, "page": _page(notice.initiative)}, notice.email)
