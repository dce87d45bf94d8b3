"""The privacy notice for one initiative's supporters (art. 13 RODO), built from its committee and rules.

Each initiative has its own controller (its committee, and the council office once the list is filed), its
own legal basis (the statute of its level and the council's resolution frozen when collection opened) and
its own list of data (only what those rules name). The template words it; this module gathers the facts.
"""

import dataclasses
import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from initiative.contact import committee_contact
from initiative.models import Role
from legal_templates.organ_names import council_genitive
from municipalities.levels import Level
from municipalities.models import SignatureMethod
from municipalities.statutes import statute_of
from personal_data.periods import packet_file_days, personal_data_days
from signatures.checks import CITIZENSHIPS_BY_LEVEL

GDPR = (
    "rozporządzenie Parlamentu Europejskiego i Rady (UE) 2016/679 z dnia 27 kwietnia 2016 r. "
    "(Dz. Urz. UE L 119 z 4.05.2016, str. 1), RODO"
)
SUPERVISORY_AUTHORITY = "Prezes Urzędu Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warszawa"


@dataclasses.dataclass(frozen=True)
class DataItem:
    name: str
    purpose: str


@dataclasses.dataclass(frozen=True)
class PrivacyNotice:
    initiative_title: str
    committee_members: tuple[str, ...]
    representative: str  # empty where the committee has named none (the rules may make it optional)
    deputy: str
    council_name: str  # as a sentence needs it: in the genitive in Polish
    council_email: str
    statute: str
    resolution_number: str  # empty where the council has adopted no rules of its own
    resolution_date: datetime.date | None
    data: tuple[DataItem, ...]
    uses_pesel: bool
    retention_days: int
    collecting: bool
    # The committee as the controller (initiative.contact), the office's data protection officer.
    committee_name: str = ""
    committee_address: str = ""
    committee_reach: str = ""  # its e-mail and telephone, as given
    data_protection_officer: str = ""
    packet_days: int = 0  # the packet's file, after the initiative ends (personal_data.periods)
    esign_pesel: bool = False  # the e-signature path asks for a PESEL even where the list does not
    gdpr: str = GDPR
    supervisory_authority: str = SUPERVISORY_AUTHORITY


def council_in_sentence(council_name: str) -> str:
    """The council's name as a Polish sentence needs it ("… do Rady Miasta Gliwice"); as stored otherwise."""
    return council_genitive(council_name) if translation.get_language() == "pl" else council_name


def privacy_notice(initiative) -> PrivacyNotice:
    unit = initiative.municipality
    rules = initiative.rules or {}
    # After the retention period the names are erased: an erased member is not named (nor listed blank).
    members = [member for member in initiative.active_members if member.declared_at and not member.erased_at]
    by_role = {member.role: member.full_name for member in members}
    adopted_on = rules.get("adopted_on")
    identifier = rules.get("identifier", "birth_date")
    methods = rules.get("signature_methods", [])
    contact = committee_contact(initiative)
    return PrivacyNotice(
        initiative_title=initiative.title,
        committee_members=tuple(member.full_name for member in members),
        representative=by_role.get(Role.REPRESENTATIVE, ""),
        deputy=by_role.get(Role.DEPUTY, ""),
        council_name=council_in_sentence(unit.council_name),
        council_email=unit.council_email,
        statute=statute_of(unit.level).citation,
        resolution_number=rules.get("resolution") or "",
        resolution_date=datetime.date.fromisoformat(adopted_on) if adopted_on else None,
        data=data_collected(unit, identifier=identifier),
        uses_pesel=identifier == "pesel",
        retention_days=personal_data_days(),
        collecting=initiative.collects_signatures,
        committee_name=contact.name,
        committee_address=contact.address,
        committee_reach=", ".join(part for part in (contact.email, contact.phone) if part),
        data_protection_officer=unit.data_protection_officer,
        packet_days=packet_file_days(unit),
        esign_pesel=SignatureMethod.QES in methods or SignatureMethod.TRUSTED_PROFILE in methods,
    )


def data_collected(unit, *, identifier: str) -> tuple[DataItem, ...]:
    """What a supporter gives and why: the statute and the council's rules, nothing beyond them."""
    items = [
        DataItem(
            _("First names and last name"),
            _("To put you on the support list, which the statute and the council's rules require."),
        ),
        DataItem(
            _("Address where you live"),
            _("Only residents may support the initiative; the council office checks the address."),
        ),
    ]
    if identifier == "pesel":
        items.append(
            DataItem(
                _("PESEL number"),
                _(
                    "The council's rules ask for it, so that the office can find you in the register of "
                    "voters. We check its digits and that you are 18 or more."
                ),
            )
        )
    else:
        items.append(
            DataItem(
                _("Date of birth"),
                _(
                    "The council's rules ask for it, to tell apart people with the same name and to show "
                    "that you are 18 or more."
                ),
            )
        )
    if len(CITIZENSHIPS_BY_LEVEL[Level(unit.level)]) > 1:
        citizenship = _(
            "Citizens of Poland, of other European Union countries and of the United Kingdom may support "
            "an initiative for this council; the office checks it in the register of voters."
        )
    else:
        citizenship = _(
            "Only Polish citizens may support an initiative for this council; we record it from your "
            "declaration."
        )
    items.append(DataItem(_("Citizenship"), citizenship))
    items.append(
        DataItem(
            _("Your declaration, the day you signed and the form of signature"),
            _("They are part of the support list the council office checks."),
        )
    )
    items.append(
        DataItem(
            _("E-mail address, when you support the initiative online"),
            _(
                "To make sure it was you who gave the support, and to send you the receipt with the link to "
                "withdraw it. It is not on the list given to the council office."
            ),
        )
    )
    return tuple(items)
