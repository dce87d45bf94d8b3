"""The committee's page for delivering the filing to the council's office, and the receipt's download for
the committee and the council's clerks (initiative.filing.delivery holds the rules)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import verified_login_required
from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.delivery import EXTENSIONS, delivery_receipt_for, delivery_record, uploaded_receipt
from initiative.filing.forms import DeliveryForm, SignedPacketForm
from initiative.filing.packet.upload import MAX_PACKET_BYTES
from initiative.filing.signed_filing import signed_packet_upload, signed_packets_of
from initiative.lifecycle import AWAITING_DECISION_STATES
from initiative.models import Delivery
from initiative.selectors import initiative_for_clerk


def _member_initiative(request, initiative_id: int):
    try:
        return initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error


@verified_login_required
@require_http_methods(["GET", "POST"])
def initiative_delivery(request, initiative_id: int):
    initiative = _member_initiative(request, initiative_id)
    form, status = DeliveryForm(), 200
    if request.method == "POST":
        form = DeliveryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                delivery_record(
                    initiative_id=initiative.pk,
                    actor=request.user,
                    channel=form.cleaned_data["channel"],
                    delivered_on=form.cleaned_data["delivered_on"],
                    receipt=uploaded_receipt(form.cleaned_data["receipt"]),
                )
            except TransitionRefused as error:
                messages.error(request, error.detail)
                return redirect("initiative-delivery", initiative_id=initiative.pk)
            except InvalidInput as error:
                for field, field_messages in error.errors.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The delivery is recorded. The council's office sees it."))
                return redirect("initiative-delivery", initiative_id=initiative.pk)
        status = 400
    return _delivery_page(request, initiative, form=form, status=status)


def _delivery_page(request, initiative, *, form=None, sign_form=None, status=200):
    context = {
        "initiative": initiative,
        "form": form or DeliveryForm(),
        "sign_form": sign_form or SignedPacketForm(),
        "signed_packets": signed_packets_of(initiative),
        "open": initiative.status in AWAITING_DECISION_STATES,
        "deliveries": initiative.deliveries.select_related("packet"),
        "packet": initiative.packets.order_by("-version").first(),
    }
    return render(request, "initiative/delivery.html", context, status=status)


@verified_login_required
@require_http_methods(["POST"])
def initiative_packet_sign(request, initiative_id: int):
    return _packet_sign(request, _member_initiative(request, initiative_id))


def _packet_sign(request, initiative):
    """The committee uploads its signed packet (the rules: initiative.filing.signed_filing)."""
    sign_form = SignedPacketForm(request.POST, request.FILES)
    if sign_form.is_valid():
        upload = sign_form.cleaned_data["file"]
        try:
            if upload.size > MAX_PACKET_BYTES:
                raise InvalidInput(
                    {"file": [_("The file is too large: packets the platform issues are under 200 MB.")]}
                )
            signed_packet_upload(initiative_id=initiative.pk, actor=request.user, file=upload.read())
        except TransitionRefused as error:
            messages.error(request, error.detail)
            return redirect("initiative-delivery", initiative_id=initiative.pk)
        except InvalidInput as error:
            for message in error.errors.get("file", []):
                sign_form.add_error("file", message)
        else:
            messages.success(
                request,
                _(
                    "The signed packet is accepted: the office downloads this version. Deliver it as "
                    "described."
                ),
            )
            return redirect("initiative-delivery", initiative_id=initiative.pk)
    return _delivery_page(request, initiative, sign_form=sign_form, status=400)


@verified_login_required
@require_safe
def delivery_receipt(request, initiative_id: int, delivery_id: int):
    """The receipt for a committee member or a clerk of the council (404 for anybody else); a clerk has
    given the second factor (verified_login_required)."""
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible:
        try:
            initiative = initiative_for_clerk(initiative_id, request.user)
        except NotVisible as error:
            raise Http404 from error
    delivery = Delivery.objects.filter(pk=delivery_id, initiative=initiative).exclude(file="").first()
    if delivery is None:
        raise Http404
    response = HttpResponse(
        delivery_receipt_for(delivery, reader=request.user), content_type=delivery.receipt_type
    )
    name = f"potwierdzenie-{initiative.pk}-{delivery.pk}.{EXTENSIONS[delivery.receipt_type]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"  # it names the sender
    return response
