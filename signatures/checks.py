"""Checks of a supporter's data, one home for each rule (docs/law.md §Who may sign, §Forms of support).

The platform checks what it can: identifier checksum and encoded birth date (python-stdnum), age 18 or more
on the day of signing, citizenship allowed for the level, declaration and privacy notice, sane text (names
and addresses by personal_data.person_text, whose rules the committee's declarations follow too). The
register of voters is the council office's to check. Only the fields the council's rules name are
accepted: anything more is refused, not silently kept (data minimisation, art. 5 ust. 1 lit. c RODO).
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import pesel as pesel_number

from initiative.terms import age_on
from municipalities.levels import Level
from municipalities.search_text import fold
from personal_data.person_text import address_clean, person_name_clean

ADULT_AGE = 18  # art. 6 § 1 Kodeksu wyborczego: voting rights from 18 years of age
CITIZENSHIPS_BY_LEVEL = {
    # Art. 10 § 1 pkt 2 Kodeksu wyborczego: EU citizens vote for the gmina council; UK citizens since the
    # 2022 amendment. Powiat and voivodeship councils: Polish citizens only (art. 10 § 1 pkt 3).
    Level.GMINA: ("PL", "EU", "UK"),
    Level.POWIAT: ("PL",),
    Level.WOJEWODZTWO: ("PL",),
}


@dataclasses.dataclass(frozen=True)
class Supporter:
    first_names: str
    last_name: str
    address: str
    citizenship: str
    pesel: str = ""
    birth_date: datetime.date | None = None
    email: str = ""

    def identity(self) -> str:
        """The normalised identity behind the one-signature-per-person rule, shared by every form.

        With PESEL that is the number. With the date of birth it is the first given name, the surname and
        the date, folded (case, diacritics, spacing), so that "Łukasz KOWALSKI" on paper meets
        "Lukasz Kowalski" online.
        """
        if self.pesel:
            return f"pesel:{self.pesel}"
        first = fold(self.first_names).split()[0]
        last = " ".join(fold(self.last_name).replace("-", " ").split())
        return f"name:{first}|{last}|{self.birth_date.isoformat()}"


def clean_supporter(
    data: dict, *, level: str, identifier: str, signed_on: datetime.date, needs_email: bool
) -> tuple[Supporter | None, dict[str, list[str]]]:
    """The supporter's data checked against the council's rules: (supporter, {}) or (None, errors)."""
    errors: dict[str, list[str]] = {}
    allowed = {
        "first_names",
        "last_name",
        "address",
        "citizenship",
        identifier,
        "declaration",
        "privacy_notice",
    }
    if needs_email:
        allowed.add("email")
    for name in set(data) - allowed:
        if name in {"pesel", "birth_date"}:
            errors[name] = [_("This council's rules do not ask for this: leave it out.")]
        else:
            errors[name] = [_("Unknown field.")]

    values: dict = {}
    for name, clean in (
        ("first_names", person_name_clean),
        ("last_name", person_name_clean),
        ("address", address_clean),
    ):
        values[name], problem = clean(data.get(name))
        if problem:
            errors[name] = [problem]

    citizenship = data.get("citizenship")
    allowed_citizenships = CITIZENSHIPS_BY_LEVEL[Level(level)]
    if citizenship not in allowed_citizenships:
        errors["citizenship"] = [
            _("Only citizens of Poland may support an initiative at this level.")
            if citizenship in {"EU", "UK"}
            else _("Choose PL, EU or UK.")
        ]
    values["citizenship"] = citizenship

    birth_date = None
    if identifier == "pesel":
        number = data.get("pesel")
        try:
            values["pesel"] = pesel_number.validate(number if isinstance(number, str) else "")
            birth_date = pesel_number.get_birth_date(values["pesel"])
        except (StdnumError, ValueError):
            errors["pesel"] = [_("This is not a valid PESEL number: check the digits.")]
    else:
        raw = data.get("birth_date")
        try:
            birth_date = datetime.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
        except ValueError:
            birth_date = None
        if birth_date is None:
            errors["birth_date"] = [_("Give the date of birth as YYYY-MM-DD.")]
        values["birth_date"] = birth_date
    if birth_date is not None and age_on(birth_date, signed_on) < ADULT_AGE:
        errors[identifier] = [
            _("Only people aged 18 or more on the day of signing may support an initiative.")
        ]

    if needs_email:
        email = data.get("email")
        try:
            EmailValidator()(email if isinstance(email, str) else "")
            values["email"] = email.strip().lower()
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]

    if data.get("declaration") is not True:
        errors["declaration"] = [
            _("Confirm that you have the right to vote for this council and support the draft.")
        ]
    if data.get("privacy_notice") is not True:
        errors["privacy_notice"] = [_("Confirm that you have read the privacy notice.")]

    if errors:
        return None, errors
    return Supporter(**values), {}


def pesel_matches_birth_date(pesel: str, birth_date: datetime.date) -> bool:
    """Whether a PESEL encodes this date of birth (used when both are known, e.g. an e-signature)."""
    return pesel_number.get_birth_date(pesel) == birth_date


def asks_citizenship(initiative) -> bool:
    """Only where more than one citizenship may sign (gmina: PL, EU, UK) does the list ask for it."""
    return len(CITIZENSHIPS_BY_LEVEL[Level(initiative.municipality.level)]) > 1
