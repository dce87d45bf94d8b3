"""Signing by e-mail: the form, "check your e-mail", and the confirmation link's landing page.

A link in an e-mail opens a page whose button POSTs (signatures/views.py says why).
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from config.rate_limits import wait_seconds
from initiative.errors import InvalidInput, TransitionRefused
from municipalities.models import SignatureMethod
from signatures.forms import SupporterForm
from signatures.models import SignatureStatus
from signatures.privacy import council_in_sentence
from signatures.services import signature_confirm, signature_submit
from signatures.tokens import CONFIRM_MAX_AGE, CONFIRM_SALT
from signatures.views import (
    SIGNING_LIMITS,
    act_on_link,
    landing,
    public_initiative,
    signature_of,
    signing_options,
    too_many,
)


@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, initiative_id: int):
    initiative = public_initiative(request, initiative_id)
    context = {
        "initiative": initiative,
        "council_of": council_in_sentence(initiative.municipality.council_name),
        "options": signing_options(initiative),
        "state": "form",
    }
    if not initiative.collects_signatures:
        return render(request, "signatures/sign.html", {**context, "state": "closed"}, status=409)
    if request.method == "POST":
        retry_after = wait_seconds(request, SIGNING_LIMITS, initiative_id=initiative.pk)
        if retry_after is not None:
            return too_many(request, "signatures/sign.html", context, retry_after)
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
    initiative = public_initiative(request, initiative_id)
    return render(
        request,
        "signatures/sign_done.html",
        {
            "initiative": initiative,
            "options": signing_options(initiative),
            "valid_days": CONFIRM_MAX_AGE // (24 * 3600),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """The link in the confirmation e-mail: GET shows a button, its POST confirms."""
    template = "signatures/confirm.html"
    if request.method == "POST":
        return act_on_link(
            request, token, template, signature_confirm, salt=CONFIRM_SALT, again="signature-confirm"
        )

    signature = signature_of(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if signature is None or signature.status_shown == SignatureStatus.WITHDRAWN:
        return landing(request, template=template, state="invalid", status=404)
    initiative = signature.initiative
    if signature.status_shown == SignatureStatus.CONFIRMED:
        return landing(request, template=template, state="confirmed", initiative=initiative)
    if not initiative.collects_signatures:
        return landing(request, template=template, state="closed", initiative=initiative, status=409)
    return landing(request, template=template, state="ask", initiative=initiative)
