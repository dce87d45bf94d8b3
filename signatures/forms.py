"""The supporter's form on the sign page: the fields the council's rules name, and nothing more.

Shape only, as everywhere: whether a value is acceptable (age, PESEL checksum, citizenship for the level,
the declaration) is decided by signatures.checks through the service; this form turns the page's fields
into the service's input and the service's refusals back into messages beside the fields.

The date of birth is three short numeric fields (day, month, year), not `<input type="date">`. A birth date
is known by heart and quickest typed: on a phone the numeric keypad comes up and "27 3 1958" takes nine
taps, while the native date pickers open on today's month and make an older person scroll back seventy
years through a calendar or a wheel, a task many give up on; desktop browsers show `type=date` in the
system's order (often month first), which invites mistakes. Three labelled fields also read the same in
every browser and to every screen reader.
"""

import datetime

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from municipalities.levels import Level
from personal_data.person_text import ADDRESS_MAX, NAME_MAX
from signatures.checks import CITIZENSHIPS_BY_LEVEL
from signatures.privacy import council_in_sentence

CITIZENSHIP_LABELS = {
    "PL": _("Polish"),
    "EU": _("of another European Union country"),
    "UK": _("British (United Kingdom)"),
}
# Where a person reading the error summary is taken for an error on a group of fields.
BIRTH_DATE_PARTS = ("birth_day", "birth_month", "birth_year")


class UnechoedTextInput(forms.TextInput):
    """A text field that never writes its value back into the page: a PESEL number does not appear in a
    page sent again with errors (docs/law.md §Personal data), nor in the browser's cache of it."""

    def format_value(self, value):
        return None


def _text(label, *, autocomplete: str, max_length: int, help_text="", widget=forms.TextInput, **attrs):
    attrs = {"autocomplete": autocomplete, "maxlength": max_length, **attrs}
    return forms.CharField(label=label, help_text=help_text, required=False, widget=widget(attrs=attrs))


def _number(label, *, autocomplete: str, max_length: int) -> forms.CharField:
    return _text(
        label,
        autocomplete=autocomplete,
        max_length=max_length,
        inputmode="numeric",
        size=max_length,
        **{"class": f"date-part date-part--{max_length}"},
    )


class SupporterForm(forms.Form):
    """One supporter's entry, built for the initiative's frozen rules (identifier) and the council's level."""

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.identifier = initiative.rules["identifier"]
        self.level = initiative.municipality.level
        self.citizenships = CITIZENSHIPS_BY_LEVEL[Level(self.level)]
        self.birth_date_problem = None
        fields = self.fields
        fields["first_names"] = _text(
            _("First names"),
            help_text=_("All of them, as in your identity document."),
            autocomplete="given-name",
            max_length=NAME_MAX,
            autocapitalize="words",
            spellcheck="false",
        )
        fields["last_name"] = _text(
            _("Last name"),
            autocomplete="family-name",
            max_length=NAME_MAX,
            autocapitalize="words",
            spellcheck="false",
        )
        fields["address"] = _text(
            _("Address where you live"),
            help_text=_(
                "Street, house and flat number, postcode and town. "
                "For example: ul. Polna 5/2, 12-345 Nowa Wieś."
            ),
            autocomplete="street-address",
            max_length=ADDRESS_MAX,
        )
        if self.identifier == "pesel":
            fields["pesel"] = _text(
                _("PESEL number"),
                help_text=_(
                    "11 digits. The council's rules ask for it so that the office can find you in the "
                    "register of voters."
                ),
                autocomplete="off",
                max_length=11,
                widget=UnechoedTextInput,
                inputmode="numeric",
                spellcheck="false",
                **{"class": "pesel-input"},
            )
        else:
            fields["birth_day"] = _number(_("Day"), autocomplete="bday-day", max_length=2)
            fields["birth_month"] = _number(_("Month"), autocomplete="bday-month", max_length=2)
            fields["birth_year"] = _number(_("Year"), autocomplete="bday-year", max_length=4)
        if len(self.citizenships) > 1:
            # Radio buttons rather than a drop-down list: three answers, all in sight, each a large target.
            fields["citizenship"] = forms.ChoiceField(
                label=_("Citizenship"),
                help_text=_(
                    "Citizens of other European Union countries and of the United Kingdom who live here may "
                    "also support initiatives for this council."
                ),
                choices=[(code, CITIZENSHIP_LABELS[code]) for code in self.citizenships],
                required=False,
                widget=forms.RadioSelect,
            )
        fields["email"] = forms.CharField(
            label=_("E-mail address"),
            help_text=_(
                "We will send you a link: your support is recorded only after you open it and confirm. "
                "We use the address for nothing else."
            ),
            required=False,
            widget=forms.EmailInput(
                attrs={
                    "autocomplete": "email",
                    "spellcheck": "false",
                    "autocapitalize": "none",
                    "maxlength": 254,
                }
            ),
        )
        fields["declaration"] = forms.BooleanField(
            label=declaration_text(initiative),
            help_text=""
            if len(self.citizenships) > 1
            else _("Only Polish citizens have the right to vote for this council."),
            required=False,
        )
        fields["privacy_notice"] = forms.BooleanField(
            label=_("I have read the privacy notice."),
            # A new tab, said so in the link: the notice must not cost the supporter what they have typed.
            help_text=format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("signature-privacy", kwargs={"initiative_id": initiative.pk}),
                _("Read the privacy notice (opens in a new tab)"),
            ),
            required=False,
        )

    def clean(self):
        cleaned = super().clean()
        if self.identifier != "pesel":
            cleaned["birth_date"], self.birth_date_problem = _birth_date(
                *(cleaned.get(part, "") for part in BIRTH_DATE_PARTS)
            )
        return cleaned

    def supporter_data(self) -> dict:
        """The service's input: exactly the fields the rules name (see signatures.checks.clean_supporter)."""
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in ("first_names", "last_name", "address", "email")}
        if self.identifier == "pesel":
            data["pesel"] = "".join(cleaned["pesel"].split())
        else:
            data["birth_date"] = cleaned["birth_date"]
        # Where only Polish citizens may sign (powiat, voivodeship) the question is not asked: the declaration
        # of the right to vote for this council already says it (art. 10 § 1 pkt 3 Kodeksu wyborczego).
        data["citizenship"] = (cleaned.get("citizenship") or "") if "citizenship" in self.fields else "PL"
        data["declaration"] = bool(cleaned["declaration"])
        data["privacy_notice"] = bool(cleaned["privacy_notice"])
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's refusals beside their fields; a date that could not be read gets our wording."""
        for name, messages in errors.items():
            if name == "birth_date":
                for message in [self.birth_date_problem] if self.birth_date_problem else messages:
                    self.add_error("birth_day", message)
                for part in BIRTH_DATE_PARTS[1:]:
                    self.fields[part].widget.attrs["aria-invalid"] = "true"
            elif name == "citizenship" and not self.cleaned_data.get("citizenship"):
                self.add_error(name, _("Choose your citizenship."))  # the checks' wording names codes
            elif name in self.fields:
                for message in messages:
                    self.add_error(name, message)
            else:
                for message in messages:
                    self.add_error(None, message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for every error, in the order of the fields on the page."""
        entries = []
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            label = field.label
            anchor = bound.id_for_label
            if name == "birth_day":
                label = _("Date of birth")
            elif name == "citizenship":
                anchor = f"{bound.auto_id}_0"
            elif name == "declaration":
                label = _("Declaration")
            elif name == "privacy_notice":
                label = _("Privacy notice")
            entries.extend((anchor, label, message) for message in self.errors[name])
        return entries


def declaration_text(initiative) -> str:
    """The supporter's declaration: the right to vote for this council, and support for this draft."""
    name = council_in_sentence(initiative.municipality.council_name)
    return _(
        "I declare that I have the right to vote in elections to %(council)s and that I support the draft "
        "resolution %(title)s."
    ) % {"council": name, "title": initiative.title}


def _birth_date(day: str, month: str, year: str) -> tuple[str, str | None]:
    """The three parts as YYYY-MM-DD, or ("", the problem in plain words)."""
    parts = [part.strip() for part in (day, month, year)]
    if not any(parts):
        return "", _("Enter your date of birth.")
    if not all(parts):
        return "", _("Enter the day, the month and the year of your birth.")
    if not all(part.isdigit() for part in parts):
        return "", _("Use digits only, for example 27 3 1958.")
    if len(parts[2]) != 4:
        return "", _("Enter the year with four digits, for example 1958.")
    try:
        born = datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return "", _("There is no such date: check the day and the month.")
    return born.isoformat(), None
