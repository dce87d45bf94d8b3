"""Forms of the clerk's pages. They carry shape only: initiative.clerk.decisions holds the rules of a
decision (required reasons, the session's dates), initiative.clerk.verification those of verdicts."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiative.models import Initiative
from municipalities.models import SignatureMethod
from signatures.models import Verdict
from signatures.selectors import accepted_methods

# The decisions on a filed draft (docs/law.md §The council office).


class ReceiveForm(forms.Form):
    received_on = forms.DateField(
        label=gettext_lazy("Day the office received the draft"),
        help_text=gettext_lazy(
            "From the office's register, or the date of the ePUAP or e-Doręczenia receipt."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OriginalsForm(forms.Form):
    """Shown beside ReceiveForm on one screen: its own element ids, the same field names."""

    received_on = forms.DateField(
        label=gettext_lazy("Day the paper originals reached the office"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    missing_sheets = forms.CharField(
        label=gettext_lazy("Sheets whose originals did not arrive (optional)"),
        help_text=gettext_lazy("Their numbers, separated by commas: 3, 7, 12. Their rows become invalid."),
        required=False,
        max_length=20_000,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_originals_%s")
        super().__init__(*args, **kwargs)

    def clean_missing_sheets(self) -> list[int]:
        text = self.cleaned_data["missing_sheets"].replace(";", ",").replace(" ", ",")
        numbers = [part for part in text.split(",") if part]
        if not all(part.isdigit() and int(part) > 0 for part in numbers):
            raise forms.ValidationError(_("Give the sheets' numbers, separated by commas: 3, 7, 12."))
        return [int(part) for part in numbers]


class AcceptForm(forms.Form):
    session_date = forms.DateField(
        label=gettext_lazy("Date of the council's session that takes the draft"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SupplementForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note to the committee (optional, shown on the timeline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Reasons for the rejection (shown on the timeline and sent to the committee)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "required": True, "aria-required": "true"}),
    )


OUTCOME_CHOICES = [
    ("adopted", gettext_lazy("The council adopted the resolution")),
    ("not_adopted", gettext_lazy("The council did not adopt the resolution")),
]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("The council's outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    resolution_number = forms.CharField(
        label=gettext_lazy("Number of the adopted resolution (for example XII/150/2026)"),
        required=False,
        max_length=100,
    )


# The filters of the support list on the verification screen.


class SignatureFilterForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Verdict"), required=False, choices=[("", gettext_lazy("All")), *Verdict.choices]
    )
    method = forms.ChoiceField(label=gettext_lazy("Form of signature"), required=False)

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        accepted = accepted_methods(initiative)
        self.fields["method"].choices = [("", _("All forms"))] + [
            (method.value, method.label) for method in SignatureMethod if method.value in accepted
        ]
