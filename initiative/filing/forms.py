"""The committee's delivery form (initiative.filing.delivery holds the rules: the days, the receipt) and
the upload of its signed packet (initiative.filing.signed_filing)."""

from django import forms
from django.utils.translation import gettext_lazy

from initiative.models import DeliveryChannel


class DeliveryForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How the packet reached the office"),
        choices=DeliveryChannel.choices,
        widget=forms.RadioSelect,
    )
    delivered_on = forms.DateField(
        label=gettext_lazy("Day of delivery"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    receipt = forms.FileField(
        label=gettext_lazy("Official receipt (optional)"),
        help_text=gettext_lazy(
            "The UPO of ePUAP, the proof of e-Doręczenia, or a photo of the copy the office stamped: "
            "PDF, XML, JPEG or PNG, up to 2 MiB."
        ),
        required=False,
    )


class SignedPacketForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The packet with the representative's signature (PDF)"),
        help_text=gettext_lazy(
            "Download the packet, sign it in your signing application without changing it (a qualified "
            "signature or podpis osobisty), and upload the signed file."
        ),
    )
