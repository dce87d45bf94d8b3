"""Supporters' pages: sign, check your e-mail, confirm, withdraw, and the privacy notice.

No JavaScript needed: each POST calls one service and redirects. Links in e-mails open a page whose button
POSTs, because mail scanners open every link they see (docs/law.md §Forms of support): a GET here never
changes anything. The POSTs count against the same rate limits as the API, so a script gains nothing by using
the pages.
"""

import math
import types

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from initiative.errors import InvalidInput, TransitionRefused
from initiative.lifecycle import Status
from initiative.selectors import initiative_visible
from municipalities.models import SignatureMethod
from signatures.forms import SupporterForm
from signatures.mailbox import MailboxFull
from signatures.models import Signature, SignatureStatus
from signatures.privacy import privacy_notice
from signatures.selectors import support_count
from signatures.services import signature_confirm, signature_submit, signature_withdraw
from signatures.throttles import (
    ConfirmingPerAddressThrottle,
    SigningPerAddressThrottle,
    SigningPerInitiativeThrottle,
)
from signatures.tokens import CONFIRM_MAX_AGE, CONFIRM_SALT, WITHDRAW_SALT, signature_id_from

SIGNING_LIMITS = (SigningPerAddressThrottle, SigningPerInitiativeThrottle)
CONFIRMING_LIMITS = (ConfirmingPerAddressThrottle,)
ELECTRONIC_METHODS = {SignatureMethod.QES, SignatureMethod.TRUSTED_PROFILE}


def _public_initiative(request, initiative_id: int):
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


def _progress(initiative) -> dict:
    threshold = initiative.signature_threshold or initiative.municipality.signature_threshold
    return {"threshold": threshold, "count": support_count(initiative)}


def _retry_after(request, limits, initiative_id: int | None = None) -> int | None:
    """Seconds to wait when a rate limit is reached, else None: the API's throttles and their counters."""
    view = types.SimpleNamespace(kwargs={"initiative_id": initiative_id})
    waits = []
    for throttle in (limit() for limit in limits):
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait() or 60)
    return max(1, math.ceil(max(waits))) if waits else None


def _too_many(request, template: str, context: dict, retry_after: int):
    context = {**context, "state": "throttled", "wait_minutes": math.ceil(retry_after / 60)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, initiative_id: int):
    initiative = _public_initiative(request, initiative_id)
    context = {"initiative": initiative, "options": signing_options(initiative), "state": "form"}
    if initiative.status != Status.COLLECTING:
        return render(request, "signatures/sign.html", {**context, "state": "closed"}, status=409)
    if request.method == "POST":
        retry_after = _retry_after(request, SIGNING_LIMITS, initiative.pk)
        if retry_after is not None:
            return _too_many(request, "signatures/sign.html", context, retry_after)
    form = SupporterForm(request.POST if request.method == "POST" else None, initiative=initiative)
    if form.is_valid():
        try:
            # A person who has already signed gets this same answer; the service tells them by e-mail.
            signature_submit(
                initiative_id=initiative.pk, data=form.supporter_data(), method=SignatureMethod.EMAIL
            )
        except InvalidInput as error:
            form.add_service_errors(error.errors)
        except TransitionRefused:
            return render(request, "signatures/sign.html", {**context, "state": "closed"}, status=409)
        else:
            return redirect("signature-sign-done", initiative_id=initiative.pk)
    return render(request, "signatures/sign.html", {**context, "form": form})


@require_safe
def sign_done(request, initiative_id: int):
    """ "Check your e-mail": the same page whether or not this person had signed before."""
    initiative = _public_initiative(request, initiative_id)
    return render(
        request,
        "signatures/sign_done.html",
        {
            "initiative": initiative,
            "options": signing_options(initiative),
            "valid_days": CONFIRM_MAX_AGE // (24 * 3600),
        },
    )


def _signature_of(token: str, *, salt: str, max_age: int | None = None) -> Signature | None:
    """The signature a link names, read only (the landing pages' GET)."""
    signature_id = signature_id_from(token, salt=salt, max_age=max_age)
    if signature_id is None:
        return None
    return Signature.objects.select_related("initiative__municipality").filter(pk=signature_id).first()


def _landing(request, *, template: str, state: str, initiative=None, status: int = 200, detail: str = ""):
    context = {
        "state": state,
        "initiative": initiative,
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
        "detail": detail,
    }
    if initiative is not None:
        context.update(options=signing_options(initiative), **_progress(initiative))
    return render(request, template, context, status=status)


def _act_on_link(request, token: str, template: str, action, *, salt: str, again: str):
    """The POST of a landing page: run the action once, then show the page again (post/redirect/get)."""
    retry_after = _retry_after(request, CONFIRMING_LIMITS)
    if retry_after is not None:
        return _too_many(request, template, {"initiative": None}, retry_after)
    try:
        action(token=token)
    except InvalidInput:
        return _landing(request, template=template, state="invalid", status=400)
    except MailboxFull as full:
        # About the mailbox only, as at submission: the same for a first and a repeat declaration.
        signature = _signature_of(token, salt=salt)
        initiative = signature.initiative if signature else None
        return _landing(
            request,
            template=template,
            state="mailbox_full",
            initiative=initiative,
            status=409,
            detail=full.detail,
        )
    except TransitionRefused:
        signature = _signature_of(token, salt=salt)
        initiative = signature.initiative if signature else None
        return _landing(request, template=template, state="closed", initiative=initiative, status=409)
    return redirect(reverse(again, kwargs={"token": token}))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """The link in the confirmation e-mail: GET shows a button, its POST confirms."""
    template = "signatures/confirm.html"
    if request.method == "POST":
        return _act_on_link(
            request, token, template, signature_confirm, salt=CONFIRM_SALT, again="signature-confirm"
        )

    signature = _signature_of(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if signature is None or signature.status_shown == SignatureStatus.WITHDRAWN:
        return _landing(request, template=template, state="invalid", status=404)
    initiative = signature.initiative
    if signature.status_shown == SignatureStatus.CONFIRMED:
        return _landing(request, template=template, state="confirmed", initiative=initiative)
    if initiative.status != Status.COLLECTING:
        return _landing(request, template=template, state="closed", initiative=initiative, status=409)
    return _landing(request, template=template, state="ask", initiative=initiative)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token: str):
    """The link in the receipt: GET shows a button, its POST withdraws (only while collecting)."""
    template = "signatures/withdraw.html"
    if request.method == "POST":
        return _act_on_link(
            request, token, template, signature_withdraw, salt=WITHDRAW_SALT, again="signature-withdraw"
        )

    signature = _signature_of(token, salt=WITHDRAW_SALT)
    if signature is None:
        return _landing(request, template=template, state="invalid", status=404)
    initiative = signature.initiative
    if signature.status_shown == SignatureStatus.WITHDRAWN:
        return _landing(request, template=template, state="withdrawn", initiative=initiative)
    if initiative.status != Status.COLLECTING:
        return _landing(request, template=template, state="closed", initiative=initiative, status=409)
    return _landing(request, template=template, state="ask", initiative=initiative)


@require_safe
def privacy(request, initiative_id: int):
    initiative = _public_initiative(request, initiative_id)
    return render(
        request,
        "signatures/privacy_notice.html",
        {"initiative": initiative, "notice": privacy_notice(initiative)},
    )
