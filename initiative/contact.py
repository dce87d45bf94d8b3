"""The committee as the council's office writes to it: its name, correspondence address and contact.

Art. 41a ust. 4 u.s.g.: the committee's representatives take part in the council's work on the draft, so the
office must be able to reach the committee; the paper sheets and the packet's cover letter print its name
and address. They are required before collection opens (initiative.services.open_refusals). Until the
committee sets them, they are what its declarations already say (`contact_defaults`): a name from the
draft's title, the representative's (or the author's) address and account e-mail. Opening freezes the name
(the sheets print it); the address and contact may change until filing, which prints them.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, TransitionRefused
from initiative.lifecycle import COLLECTING_STATES, COMMITTEE_EDITABLE_STATES
from initiative.models import CommitteeContact, CommitteeMember, Initiative, Role
from personal_data.person_text import address_clean

NAME_MIN, NAME_MAX = 10, 300
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{7,18}[0-9]")
# The contact may change until the packet prints it; the name only until the sheets do.
CONTACT_EDITABLE_STATES = COMMITTEE_EDITABLE_STATES | COLLECTING_STATES


@dataclass(frozen=True)
class Contact:
    name: str
    address: str
    email: str
    phone: str
    recorded: bool  # set by the committee or frozen at opening, not merely derived from the declarations

    @property
    def complete(self) -> bool:
        return bool(self.name and self.address and (self.email or self.phone))


def default_name(title: str) -> str:
    """'Komitet Inicjatywy Uchwałodawczej w sprawie …': the committee's name unless it gives another."""
    return f"Komitet Inicjatywy Uchwałodawczej {title}".strip()


def _speaker(initiative: Initiative) -> CommitteeMember | None:
    """Whose declared address and e-mail stand for the committee by default: the representative's, else the
    author's, else the first declared member's."""
    declared = list(
        initiative.committee_members.filter(left_at__isnull=True, declared_at__isnull=False).select_related(
            "user"
        )
    )
    for chosen in (
        [member for member in declared if member.role == Role.REPRESENTATIVE],
        [member for member in declared if member.user_id == initiative.created_by_id],
        declared,
    ):
        if chosen:
            return chosen[0]
    return None


def contact_defaults(initiative: Initiative) -> Contact:
    speaker = _speaker(initiative)
    return Contact(
        name=default_name(initiative.title),
        address=speaker.address if speaker else "",
        email=speaker.user.email if speaker else "",
        phone="",
        recorded=False,
    )


def committee_contact(initiative: Initiative) -> Contact:
    """The committee's contact as recorded, or its defaults."""
    row = CommitteeContact.objects.filter(initiative=initiative).first()
    if row is None:
        return contact_defaults(initiative)
    return Contact(name=row.name, address=row.address, email=row.email, phone=row.phone, recorded=True)


def contact_problems(initiative: Initiative) -> list[str]:
    """Why the committee's contact keeps it from opening; empty when it is complete."""
    contact = committee_contact(initiative)
    if contact.complete:
        return []
    return [
        _(
            "Give the committee's name, its correspondence address and an e-mail or telephone number: the "
            "council's office writes to the committee there."
        )
    ]


def contact_freeze(initiative: Initiative) -> None:
    """At opening: record the defaults the committee did not change, so that what the sheets print stays."""
    defaults = contact_defaults(initiative)
    CommitteeContact.objects.get_or_create(
        initiative=initiative,
        defaults={
            "name": defaults.name,
            "address": defaults.address,
            "email": defaults.email,
            "phone": defaults.phone,
        },
    )


def _clean(name, address, email, phone) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    values = {}
    values["name"] = " ".join(str(name or "").split())
    if not NAME_MIN <= len(values["name"]) <= NAME_MAX:
        errors["name"] = [
            _("Give the committee's name (%(min)d to %(max)d characters).")
            % {"min": NAME_MIN, "max": NAME_MAX}
        ]
    values["address"], problem = address_clean(address)
    if problem:
        errors["address"] = [problem if str(address or "").strip() else _("Give a correspondence address.")]
    values["email"] = str(email or "").strip().lower()
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    values["phone"] = " ".join(str(phone or "").split())
    if values["phone"] and not PHONE.fullmatch(values["phone"]):
        errors["phone"] = [_("Enter a telephone number of 9 to 20 digits, for example +48 600 100 200.")]
    if not values["email"] and not values["phone"] and "email" not in errors:
        errors["email"] = [_("Give an e-mail address or a telephone number.")]
    return values, errors


def committee_contact_set(*, initiative_id: int, actor, name, address, email="", phone="") -> Contact:
    """A member records the committee's contact; the name changes only while the initiative is a draft."""
    values, errors = _clean(name, address, email, phone)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if initiative.status not in CONTACT_EDITABLE_STATES:
            raise TransitionRefused(_("The committee's contact cannot change after filing."))
        row = CommitteeContact.objects.filter(initiative=initiative).first()
        if (
            row is not None
            and row.name != values["name"]
            and initiative.status not in COMMITTEE_EDITABLE_STATES
        ):
            raise InvalidInput(
                {"name": [_("The committee's name cannot change once collection has opened.")]}
            )
        CommitteeContact.objects.update_or_create(
            initiative=initiative, defaults={**values, "updated_at": timezone.now()}
        )
    return Contact(**values, recorded=True)
