"""An initiative at each stage, built through the services a committee uses."""

import pytest

from initiative import committee, services
from initiative.models import CommitteeInvitation, Role
from initiative.tokens import invitation_token
from legal_templates.models import LegalTemplate
from municipalities.models import Unit


@pytest.fixture
def templates(db):
    from legal_templates.services import templates_load

    templates_load()


def example(slug: str) -> tuple[dict, dict]:
    version = LegalTemplate.objects.get(slug=slug).versions.order_by("-version").first()
    return dict(version.example), dict(version.example_justification)


@pytest.fixture
def start_initiative(demo_units, templates):
    def start(author, *, teryt: str = "2466011", slug: str = "nazwa-ulicy", **changes):
        fields, justification = example(slug)
        fields.update(changes)
        initiative, _findings = services.initiative_create(
            author=author,
            unit=Unit.objects.get(teryt=teryt),
            template=LegalTemplate.objects.get(slug=slug),
            fields=fields,
            justification=justification,
        )
        return initiative

    return start


@pytest.fixture
def join_committee(make_user):
    """Invite a new person and let them accept with their declaration; returns their user."""
    counter = iter(range(1, 1000))

    def join(initiative, inviter, *, role: str = Role.MEMBER):
        number = next(counter)
        member = make_user(f"czlonek{number}@example.org", full_name=f"Członek Komitetu {number}")
        invitation = committee.committee_invite(
            initiative_id=initiative.pk, actor=inviter, email=member.email
        )
        committee.committee_accept(
            token=invitation_token(invitation.pk),
            user=member,
            full_name=member.full_name,
            address=f"ul. Zwycięstwa {number}, 44-100 Gliwice",
            role=role,
        )
        return member

    return join


@pytest.fixture
def ready_initiative(start_initiative, join_committee, author):
    """A lawful draft in Gliwice with a complete committee of five: it may open."""
    initiative = start_initiative(author)
    committee.committee_declare(
        initiative_id=initiative.pk,
        user=author,
        full_name=author.full_name,
        address="ul. Zwycięstwa 1, 44-100 Gliwice",
        role=Role.REPRESENTATIVE,
    )
    for _ in range(4):
        join_committee(initiative, author)
    return initiative


@pytest.fixture
def collecting_initiative(ready_initiative, author):
    return services.initiative_open(initiative_id=ready_initiative.pk, actor=author)


def accepted_invitations(initiative) -> int:
    return CommitteeInvitation.objects.filter(initiative=initiative, accepted_at__isnull=False).count()
