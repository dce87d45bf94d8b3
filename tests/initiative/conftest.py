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
        member = make_user(
            f"czlonek{number}@example.org", full_name=f"Członek Komitetu {letters(number).capitalize()}"
        )
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


def complete_committee(
    initiative, author, join_committee, *, address: str = "ul. Zwycięstwa 1, 44-100 Gliwice"
) -> None:
    """The author declares as the committee's representative and four more members join: five in all."""
    committee.committee_declare(
        initiative_id=initiative.pk,
        user=author,
        full_name=author.full_name,
        address=address,
        role=Role.REPRESENTATIVE,
    )
    for _ in range(4):
        join_committee(initiative, author)


@pytest.fixture
def ready_initiative(start_initiative, join_committee, author):
    """A lawful draft in Gliwice with a complete committee of five: it may open."""
    initiative = start_initiative(author)
    complete_committee(initiative, author, join_committee)
    return initiative


@pytest.fixture
def collecting_initiative(ready_initiative, author):
    return services.initiative_open(initiative_id=ready_initiative.pk, actor=author)


def accepted_invitations(initiative) -> int:
    return CommitteeInvitation.objects.filter(initiative=initiative, accepted_at__isnull=False).count()


PAPER_NAMES = ["Anna", "Zbigniew", "Łucja", "Świętosław", "Żaneta", "Grzegorz", "Ewa", "Józef"]


def letters(number: int) -> str:
    """A number spelt in letters (names may hold letters only): 0 → "a", 27 → "bb"."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if number == 0:
            return word
        number -= 1


def paper_supporter(number: int) -> dict:
    """A distinct adult for a paper row in Gliwice (the rules ask for the date of birth)."""
    return {
        "first_names": PAPER_NAMES[number % len(PAPER_NAMES)],
        "last_name": f"Źdźbło-{letters(number).capitalize()}",
        "citizenship": "PL",
        "address": f"ul. Zwycięstwa {number}, 44-100 Gliwice",
        "birth_date": f"19{50 + number % 40}-0{1 + number % 9}-1{number % 10}",
        "declaration": True,
        "privacy_notice": True,
    }


def paper_row(number: int) -> dict:
    """A paper row as the API takes it: the supporter, and the date written in the row (today)."""
    from django.utils import timezone

    return {**paper_supporter(number), "signed_on": timezone.localdate().isoformat()}


def sign_on_paper(initiative, typist, count: int, *, first: int = 1) -> list:
    """`count` paper rows typed by a committee member, as the committee does after a collection."""
    from signatures.paper.services import paper_row_enter

    outcomes = [
        paper_row_enter(
            initiative_id=initiative.pk,
            actor=typist,
            data=paper_supporter(number),
            sheet_number=1 + number // 10,
        )
        for number in range(first, first + count)
    ]
    assert not any(outcome.duplicate for outcome in outcomes)
    return [outcome.signature for outcome in outcomes]


FILED_THRESHOLD = 5


@pytest.fixture
def filed_initiative(collecting_initiative, author):
    """Filed with Gliwice's council: the frozen threshold lowered to 5 (to keep tests quick) and 6 paper
    signatures. The packet task is ordered on commit: under the `db` fixture it does not run unless a test
    asks (django_capture_on_commit_callbacks(execute=True))."""
    from initiative.filing.submit import initiative_submit
    from initiative.models import Initiative

    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD + 1)
    return initiative_submit(initiative_id=collecting_initiative.pk, actor=author)


def receive(initiative, clerk, on=None):
    """The council's office records the day it received the filing (today, unless `on`): the council's term
    starts and verification may begin (initiative.clerk.decisions.initiative_receive)."""
    from django.utils import timezone

    from initiative.clerk.decisions import initiative_receive

    return initiative_receive(
        initiative_id=initiative.pk, clerk=clerk, received_on=on or timezone.localdate()
    )


def originals(initiative, clerk, *, missing=(), on=None):
    """The clerk records that the paper originals reached the office (today, unless `on`), `missing` sheets
    aside: verdicts on paper rows may be given from then on (initiative.clerk.originals)."""
    from django.utils import timezone

    from initiative.clerk.originals import originals_record

    return originals_record(
        initiative_id=initiative.pk,
        clerk=clerk,
        received_on=on or timezone.localdate(),
        missing_sheets=list(missing),
    )
