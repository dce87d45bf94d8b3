"""Demo initiatives: one collecting in Gliwice, a draft, and one filed in Irządze with its sealed packet
(100 invented supporters on paper, the threshold of a gmina of 2,579), with demo committee members.

Demo people have addresses at example.org and no usable password: they cannot sign in. To act as a
committee, sign up in the running platform (in debug, e-mails are printed to the console).
"""

from django.db import transaction

from accounts.models import User
from initiative import committee, services
from initiative.filing.submit import initiative_submit
from initiative.models import CommitteeInvitation, Initiative, Role
from initiative.tokens import invitation_token
from legal_templates.models import LegalTemplate
from municipalities.models import Unit
from signatures.paper.services import paper_row_enter

DEMO_PEOPLE = [
    ("anna.nowak@example.org", "Anna Nowak", Role.REPRESENTATIVE),
    ("piotr.wisniewski@example.org", "Piotr Wiśniewski", Role.DEPUTY),
    ("katarzyna.wojcik@example.org", "Katarzyna Wójcik", Role.MEMBER),
    ("tomasz.kaminski@example.org", "Tomasz Kamiński", Role.MEMBER),
    ("magdalena.lewandowska@example.org", "Magdalena Lewandowska", Role.MEMBER),
]


def _person(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)  # unusable password
    return user


def demo_initiative(*, teryt: str, slug: str, open_it: bool) -> Initiative | None:
    """The demo initiative, or None when it exists already (seeding is idempotent)."""
    template = LegalTemplate.objects.get(slug=slug)
    unit = Unit.objects.get(teryt=teryt)
    if Initiative.objects.filter(municipality=unit, template_version__template=template).exists():
        return None
    version = template.versions.order_by("-version").first()
    people = [(_person(email, name), name, role) for email, name, role in DEMO_PEOPLE]
    author, author_name, author_role = people[0]
    initiative, _findings = services.initiative_create(
        author=author,
        unit=unit,
        template=template,
        fields=version.example,
        justification=version.example_justification,
    )
    address = f"{unit.name} (adres demonstracyjny)"
    committee.committee_declare(
        initiative_id=initiative.pk, user=author, full_name=author_name, address=address, role=author_role
    )
    for user, name, role in people[1:]:
        invitation = CommitteeInvitation.objects.create(
            initiative=initiative, email=user.email, invited_by=author
        )
        committee.committee_accept(
            token=invitation_token(invitation.pk), user=user, full_name=name, address=address, role=role
        )
    if open_it:
        initiative = services.initiative_open(initiative_id=initiative.pk, actor=author)
    return initiative


FIRST_NAMES = [
    "Anna",
    "Jan",
    "Zofia",
    "Łukasz",
    "Małgorzata",
    "Józef",
    "Grażyna",
    "Stanisław",
    "Ewa",
    "Żaneta",
]
LAST_NAMES = ["Nowak", "Wiśniewska", "Wójcik", "Kowalczyk", "Zieliński", "Szymańska", "Woźniak", "Dąbrowski"]


def _demo_filing(*, teryt: str, slug: str) -> None:
    """A collection that reached its threshold, filed: the council office's side has something to show.
    The supporters are invented (names combined from lists, no real person), typed in as paper rows."""
    initiative = demo_initiative(teryt=teryt, slug=slug, open_it=True)
    if initiative is None:
        return
    typist = initiative.created_by
    for number in range(initiative.signature_threshold):
        row = {
            "first_names": FIRST_NAMES[number % len(FIRST_NAMES)],
            "last_name": LAST_NAMES[number // len(FIRST_NAMES) % len(LAST_NAMES)],
            "address": f"ul. Demonstracyjna {number + 1}, 42-425 Irządze",
            "birth_date": f"19{40 + number % 60:02d}-{1 + number % 12:02d}-{1 + number // 12:02d}",
            "citizenship": "PL",
            "declaration": True,
            "privacy_notice": True,
        }
        paper_row_enter(initiative_id=initiative.pk, actor=typist, data=row, sheet_number=1 + number // 10)
    initiative_submit(initiative_id=initiative.pk, actor=typist)  # the packet is built once this commits


def seed_initiatives() -> None:
    with transaction.atomic():
        demo_initiative(teryt="2466011", slug="nazwa-ulicy", open_it=True)
        demo_initiative(teryt="2466011", slug="rada-seniorow", open_it=False)
        _demo_filing(teryt="2416032", slug="nazwa-ulicy")
