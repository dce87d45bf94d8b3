"""Supporters' pages shared by every form of support: withdrawal, the privacy notice, and what the forms'
pages share (the initiative shown, the forms on offer, rate limits, the landing pages of links).

No JavaScript needed: each POST calls one service and redirects. Links in e-mails open a page whose button
POSTs, because mail scanners open every link they see (docs/law.md §Forms of support): a GET here never
changes anything. The POSTs count against the same rate limits as the API, so a script gains nothing by using
the pages.
"""

import math

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from config.rate_limits import wait_seconds
from initiative.errors import InvalidInput, TransitionRefused
from initiative.selectors import initiative_visible
from municipalities.models import SignatureMethod
from personal_data.periods import personal_data_days
from signatures.mailbox import MailboxFull
from signatures.models import Signature, SignatureStatus
from signatures.privacy import privacy_notice
from signatures.selectors import support_count
from signatures.services import signature_withdraw
from signatures.throttles import (
    ConfirmingPerAddressThrottle,
    SigningPerAddressThrottle,
    SigningPerInitiativeThrottle,
)
from signatures.tokens import WITHDRAW_SALT, signature_id_from

SIGNING_LIMITS = (SigningPerAddressThrottle, SigningPerInitiativeThrottle)
CONFIRMING_LIMITS = (ConfirmingPerAddressThrottle,)
ELECTRONIC_METHODS = {SignatureMethod.QES, SignatureMethod.TRUSTED_PROFILE}


def public_initiative(request, initiative_id: int):
    initiative = initiative_visible(initiative_id, request.user)
    if initiative is None:
        raise Http404
    return initiative


def signing_options(initiative) -> dict:
    """Which forms of signature count for this initiative (its frozen rules), for the pages to offer."""
    methods = set(initiative.rules["signature_methods"]) if initiative.rules else set()
    return {
        "email_counts": SignatureMethod.EMAIL in methods,
        "paper": SignatureMethod.PAPER in methods,
        "electronic": bool(methods & ELECTRONIC_METHODS),
        # The e-signature page (qualified, personal or trusted-profile signature) has this fixed address.
        "electronic_url": f"/initiatives/{initiative.pk}/sign/e-signature/",
    }


def progress(initiative) -> dict:
    count = support_count(initiative)
    return {"threshold": count.threshold, "count": count}


def too_many(request, template: str, context: dict, retry_after: int):
    context = {**context, "state": "throttled", "wait_minutes": math.ceil(retry_after / 60)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def signature_of(token: str, *, salt: str, max_age: int | None = None) -> Signature | None:
    """The signature a link names, read only (the landing pages' GET)."""
    signature_id = signature_id_from(token, salt=salt, max_age=max_age)
    if signature_id is None:
        return None
    return Signature.objects.select_related("initiative__municipality").filter(pk=signature_id).first()


def landing(request, *, template: str, state: str, initiative=None, status: int = 200, detail: str = ""):
    context = {
        "state": state,
        "initiative": initiative,
        "retention_days": personal_data_days(),
        "detail": detail,
    }
    if initiative is not None:
        context.update(options=signing_options(initiative), **progress(initiative))
    return render(request, template, context, status=status)


def act_on_link(request, token: str, template: str, action, *, salt: str, again: str):
    """The POST of a landing page: run the action once, then show the page again (post/redirect/get)."""
    retry_after = wait_seconds(request, CONFIRMING_LIMITS)
    if retry_after is not None:
        return too_many(request, template, {"initiative": None}, retry_after)
    try:
        action(token=token)
    except InvalidInput:
        return landing(request, template=template, state="invalid", status=400)
    except MailboxFull as full:
        # About the mailbox only, as at submission: the same for a first and a repeat declaration.
        signature = signature_of(token, salt=salt)
        initiative = signature.initiative if signature else None
        return landing(
            request,
            template=template,
            state="mailbox_full",
            initiative=initiative,
            status=409,
            detail=full.detail,
        )
    except TransitionRefused:
        signature = signature_of(token, salt=salt)
        initiative = signature.initiative if signature else None
        return landing(request, template=template, state="closed", initiative=initiative, status=409)
    return redirect(reverse(again, kwargs={"token": token}))


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token: str):
    """The link in the receipt: GET shows a button, its POST withdraws (only while collecting)."""
    template = "signatures/withdraw.html"
    if request.method == "POST":
        return act_on_link(
            request, token, template, signature_withdraw, salt=WITHDRAW_SALT, again="signature-withdraw"
        )

    signature = signature_of(token, salt=WITHDRAW_SALT)
    if signature is None:
        return landing(request, template=template, state="invalid", status=404)
    initiative = signature.initiative
    if signature.status_shown == SignatureStatus.WITHDRAWN:
        return landing(request, template=template, state="withdrawn", initiative=initiative)
    if not initiative.collects_signatures:
        return landing(request, template=template, state="closed", initiative=initiative, status=409)
    return landing(request, template=template, state="ask", initiative=initiative)


@require_safe
def privacy(request, initiative_id: int):
    initiative = public_initiative(request, initiative_id)
    return render(
        request,
        "signatures/privacy_notice.html",
        {"initiative": initiative, "notice": privacy_notice(initiative)},
    )
