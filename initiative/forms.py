"""Forms of the committee's pages. They carry shape only: the rules live in the services they call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from initiative.contact import NAME_MAX as CONTACT_NAME_MAX
from initiative.models import Role
from legal_templates.fields import UNIT_FIELD_TYPES
from personal_data.person_text import ADDRESS_MAX, FULL_NAME_MAX

JUSTIFICATION_LABELS = {
    "need": (_("Why the resolution is needed and what it aims at"), ""),
    "present_state": (_("The present state of affairs"), ""),
    "effects": (
        _("Expected effects, including financial effects"),
        _("Say what it will cost the budget, or that it will cost nothing."),
    ),
    "funding": (_("Source of funding"), _("For example: the gmina's own income, a grant, or no cost.")),
}

WIDGETS = {
    "long_text": lambda: forms.Textarea(attrs={"rows": 6}),
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
    "money": lambda: forms.TextInput(attrs={"inputmode": "decimal"}),
    "integer": lambda: forms.TextInput(attrs={"inputmode": "numeric"}),
}


def _choices(definition: dict) -> list[tuple[str, str]]:
    choices = [("", "—")]
    for choice in definition.get("choices") or []:
        if isinstance(choice, list | tuple):
            choices.append((str(choice[0]), str(choice[1])))
        elif isinstance(choice, dict):
            choices.append((str(choice.get("value")), str(choice.get("label", choice.get("value")))))
        else:
            choices.append((str(choice), str(choice)))
    return choices


class DraftForm(forms.Form):
    """The template's own fields plus the four parts of the justification, as typed text.

    Fields filled from the council's data (its council's name, its executive) are not inputs: the draft
    takes them from the chosen council, and a typed value for them would be refused.
    """

    def __init__(self, *args, field_definitions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.template_field_names = []
        for definition in field_definitions:
            name = definition["name"]
            if definition.get("type") in UNIT_FIELD_TYPES:
                continue
            common = {
                "label": definition.get("label", name),
                "required": False,
                "help_text": definition.get("help", ""),
            }
            if definition.get("type") == "choice":
                field = forms.ChoiceField(choices=_choices(definition), **common)
            else:
                widget = WIDGETS.get(definition.get("type"), forms.TextInput)()
                field = forms.CharField(widget=widget, strip=False, **common)
            field.widget.attrs["aria-required"] = "true" if definition.get("required") else "false"
            self.fields[f"f_{name}"] = field
            self.template_field_names.append(name)
        for part, (label, help_text) in JUSTIFICATION_LABELS.items():
            self.fields[f"j_{part}"] = forms.CharField(
                label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(f"f_{name}", "") for name in self.template_field_names}

    def justification(self) -> dict:
        return {part: self.cleaned_data.get(f"j_{part}", "") for part in JUSTIFICATION_LABELS}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            if key.startswith("justification."):
                target = f"j_{key.removeprefix('justification.')}"
            else:
                target = f"f_{key.removeprefix('fields.')}"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)

    @classmethod
    def initial_from(cls, values: dict, justification: dict) -> dict:
        initial = {f"f_{name}": value for name, value in (values or {}).items()}
        initial.update({f"j_{part}": text for part, text in (justification or {}).items()})
        return initial


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    email.widget.attrs["autocomplete"] = "email"


class DeclarationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=FULL_NAME_MAX)
    address = forms.CharField(label=_("Your address of residence"), max_length=ADDRESS_MAX)
    role = forms.ChoiceField(label=_("Your role in the committee"), choices=Role.choices, initial=Role.MEMBER)
    full_name.widget.attrs["autocomplete"] = "name"
    address.widget.attrs["autocomplete"] = "street-address"


class CommitteeContactForm(forms.Form):
    """The committee's name and contact (initiative.contact checks them)."""

    name = forms.CharField(label=_("The committee's name"), max_length=CONTACT_NAME_MAX)
    address = forms.CharField(label=_("Correspondence address"), max_length=ADDRESS_MAX)
    email = forms.CharField(
        label=_("E-mail (optional if you give a telephone)"), max_length=254, required=False
    )
    phone = forms.CharField(label=_("Telephone (optional)"), max_length=40, required=False)
    address.widget.attrs["autocomplete"] = "street-address"
    email.widget.attrs.update({"autocomplete": "email", "type": "email"})
    phone.widget.attrs.update({"autocomplete": "tel", "type": "tel"})

    def __init__(self, *args, name_frozen: bool = False, **kwargs):
        # Prefixed: the member's own declaration on the same page has an address field too.
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        if name_frozen:
            self.fields["name"].widget.attrs["readonly"] = True
            self.fields["name"].help_text = _("The sheets print this name, so it stays as it was at opening.")


class ChairNoticeForm(forms.Form):
    notified_on = forms.DateField(
        label=_("Day the committee notified the council's chair"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the committee withdraws (optional, shown on the timeline)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
