"""Demo initiatives: one collecting in Gliwice and one draft in Kraków, with demo committee members.

Demo people have addresses at example.org and no usable password: they cannot sign in. To act as a
committee, sign up in the running platform (in debug, e-mails are printed to the console).
"""

from django.db import transaction

from accounts.models import User
from initiative import committee, services
from initiative.models import CommitteeInvitation, Initiative, Role
from initiative.tokens import invitation_token
from legal_templates.models import LegalTemplate
from municipalities.models import Unit

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


def _demo_initiative(*, teryt: str, slug: str, open_it: bool) -> None:
    template = LegalTemplate.objects.get(slug=slug)
    unit = Unit.objects.get(teryt=teryt)
    if Initiative.objects.filter(municipality=unit, template_version__template=template).exists():
        return
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
        services.initiative_open(initiative_id=initiative.pk, actor=author)


def seed_initiatives() -> None:
    with transaction.atomic():
        _demo_initiative(teryt="2466011", slug="nazwa-ulicy", open_it=True)
        _demo_initiative(teryt="2466011", slug="rada-seniorow", open_it=False)
