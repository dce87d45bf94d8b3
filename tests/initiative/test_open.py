import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from initiative import services
from initiative.errors import TransitionRefused
from initiative.filing.tasks import expire_initiatives_task
from initiative.lifecycle import Action, Status
from initiative.models import Initiative, Role
from tests.clock import WARSAW, frozen_at


@pytest.fixture(autouse=True)
def messages_in_english():
    """The refusals are matched in English here; the Polish default is checked in test_api_initiatives."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_new_draft_has_the_author_as_first_member_and_a_timeline(start_initiative, author):
    initiative = start_initiative(author)
    assert initiative.status == Status.DRAFT
    assert initiative.title.startswith("w sprawie nadania ulicy nazwy")
    assert [(m.user, m.declared_at) for m in initiative.committee_members.all()] == [(author, None)]
    assert [(c.action, c.to_status) for c in initiative.status_changes.all()] == [
        (Action.CREATE, Status.DRAFT)
    ]


@pytest.mark.django_db
def test_open_freezes_threshold_population_and_rules_and_tells_the_chair(
    ready_initiative, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_open(initiative_id=ready_initiative.pk, actor=author)

    initiative = Initiative.objects.get(pk=ready_initiative.pk)
    assert initiative.status == Status.COLLECTING
    assert (initiative.signature_threshold, initiative.population_used) == (300, 178603)
    assert initiative.population_as_of_used == datetime.date(2019, 12, 31)
    assert initiative.rules["resolution"] == "II/25/2018"
    assert initiative.opened_at is not None and initiative.collection_ends_at is None  # Gliwice: no window
    assert [m.to for m in mail.outbox] == [["rada-2466011@example.org"]]
    assert initiative.title in mail.outbox[0].body
    assert f"/initiatives/{initiative.pk}/" in mail.outbox[0].body
    assert initiative.status_changes.last().actor == author


@pytest.mark.django_db
def test_later_population_figure_does_not_change_an_open_initiative(collecting_initiative, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text("teryt,population,as_of\n2466011,4000,2030-12-31\n", encoding="utf-8")
    call_command("import_population", path)
    initiative = Initiative.objects.get(pk=collecting_initiative.pk)
    assert initiative.signature_threshold == 300
    assert initiative.municipality.signature_threshold == 100


@pytest.mark.django_db
def test_open_is_refused_until_the_committee_reaches_the_local_minimum(
    start_initiative, join_committee, author
):
    initiative = start_initiative(author)
    with pytest.raises(TransitionRefused, match="at least 5 members with signed declarations; it has 0"):
        services.initiative_open(initiative_id=initiative.pk, actor=author)
    for _ in range(4):
        join_committee(initiative, author)
    with pytest.raises(TransitionRefused, match="1 member\\(s\\) have not signed their declaration yet"):
        services.initiative_open(initiative_id=initiative.pk, actor=author)
    assert Initiative.objects.get(pk=initiative.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_krakow_requires_a_representative_and_a_deputy(start_initiative, join_committee, author):
    initiative = start_initiative(author, teryt="1261011")
    services_declare = {"full_name": "Adam Autor", "address": "ul. Floriańska 1, Kraków", "role": Role.MEMBER}
    from initiative import committee

    committee.committee_declare(initiative_id=initiative.pk, user=author, **services_declare)
    for _ in range(4):
        join_committee(initiative, author)
    with pytest.raises(TransitionRefused) as refused:
        services.initiative_open(initiative_id=initiative.pk, actor=author)
    assert "name a representative" in refused.value.detail and "deputy" in refused.value.detail

    join_committee(initiative, author, role=Role.REPRESENTATIVE)
    with pytest.raises(TransitionRefused, match="deputy representative"):
        services.initiative_open(initiative_id=initiative.pk, actor=author)
    join_committee(initiative, author, role=Role.DEPUTY)
    assert services.initiative_open(initiative_id=initiative.pk, actor=author).status == Status.COLLECTING


@pytest.mark.django_db
def test_unit_without_population_cannot_open(start_initiative, join_committee, author):
    initiative = start_initiative(author, teryt="2401073")  # Siewierz: no figure recorded
    from initiative import committee

    committee.committee_declare(
        initiative_id=initiative.pk, user=author, full_name="Adam Autor", address="Siewierz", role=Role.MEMBER
    )
    for _ in range(4):
        join_committee(initiative, author)
    with pytest.raises(TransitionRefused, match="population of Siewierz is not recorded"):
        services.initiative_open(initiative_id=initiative.pk, actor=author)


@pytest.mark.django_db
def test_a_draft_with_formal_errors_cannot_open(start_initiative, join_committee, author):
    initiative = start_initiative(author, slug="dowolna", subject="zmian w budżecie miasta na rok 2027")
    from initiative import committee

    committee.committee_declare(
        initiative_id=initiative.pk, user=author, full_name="Adam Autor", address="Gliwice", role=Role.MEMBER
    )
    for _ in range(4):
        join_committee(initiative, author)
    with pytest.raises(TransitionRefused, match="233"):
        services.initiative_open(initiative_id=initiative.pk, actor=author)


@pytest.mark.django_db
def test_withdraw_from_draft_and_from_collection_then_nothing_more(
    start_initiative, collecting_initiative, author
):
    draft = start_initiative(author)
    assert services.initiative_withdraw(initiative_id=draft.pk, actor=author).status == Status.WITHDRAWN
    withdrawn = services.initiative_withdraw(
        initiative_id=collecting_initiative.pk, actor=author, reason="Zmiana planów"
    )
    assert withdrawn.status == Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert withdrawn.status_changes.last().reason == "Zmiana planów"
    for action in (services.initiative_withdraw, services.initiative_open):
        with pytest.raises(TransitionRefused, match="withdrawn"):
            action(initiative_id=collecting_initiative.pk, actor=author)


@pytest.fixture
def tenth_of_march():
    with frozen_at(2026, 3, 10, 12):
        yield


@pytest.mark.django_db
def test_collection_window_from_the_local_rules_expires_by_the_periodic_task(
    tenth_of_march, ready_initiative, author, tmp_path
):
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            [
                {
                    "teryt": "2466011",
                    "resolution": "II/25/2018",
                    "adopted_on": "2018-12-13",
                    "committee_min": 5,
                    "representative": "optional",
                    "identifier": "birth_date",
                    "signature_methods": ["paper"],
                    "collection_days": 30,
                }
            ]
        ),
        encoding="utf-8",
    )
    call_command("import_local_rules", rules)
    # Opened at noon on 10 March 2026: the day of opening is not counted (art. 111 § 2 k.c.), so the 30th
    # day is 9 April and the window ends at midnight in Warsaw between 9 and 10 April, across the change of
    # clocks on 29 March.
    initiative = services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    assert initiative.collection_ends_at == datetime.datetime(2026, 4, 10, tzinfo=WARSAW)
    assert initiative.collection_ends_at - initiative.opened_at <= datetime.timedelta(days=31)
    assert initiative.collection_ends_at - initiative.opened_at > datetime.timedelta(days=30)

    assert expire_initiatives_task() == 0  # not yet due
    with pytest.raises(TransitionRefused, match="has not ended"):
        services.initiative_expire(initiative_id=initiative.pk)

    Initiative.objects.filter(pk=initiative.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=31),
        collection_ends_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert expire_initiatives_task() == 1
    expired = Initiative.objects.get(pk=initiative.pk)
    assert expired.status == Status.EXPIRED and expired.expired_at is not None
    assert expired.status_changes.last().actor is None
    assert expire_initiatives_task() == 0
