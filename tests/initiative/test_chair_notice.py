"""The notice to the council's chair before collecting, and the terms counted from it
(initiative.chair_notice; Trzcianka IV/34/19: collection counted from the notice, filing within 2 months of
it)."""

import datetime

import pytest
from django.utils import timezone, translation

from initiative import services
from initiative.chair_notice import chair_notice_record, filing_deadline
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.submit import initiative_submit
from initiative.models import Initiative
from initiative.terms import window_end
from municipalities.local_rules import local_rules_import
from tests.initiative.conftest import FILED_THRESHOLD, sign_on_paper

RULES = {
    "teryt": "2466011",
    "resolution": "XV/300/2025",
    "adopted_on": "2025-06-12",
    "committee_min": 5,
    "representative": "optional",
    "identifier": "birth_date",
    "signature_methods": ["paper"],
    "collection_days": 30,
    "verification_days": None,
    "supplement_days": None,
    "chair_notice": True,
    "filing_months_after_notice": 2,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def notice_rules(demo_units):
    local_rules_import([RULES])


@pytest.mark.django_db
def test_opening_waits_for_the_notice_and_the_window_counts_from_it(notice_rules, ready_initiative, author):
    assert any(
        "notify the council's chair" in problem for problem in services.open_refusals(ready_initiative)
    )
    with pytest.raises(TransitionRefused):
        services.initiative_open(initiative_id=ready_initiative.pk, actor=author)

    today = timezone.localdate()
    chair_notice_record(initiative_id=ready_initiative.pk, actor=author, notified_on=today)
    opened = services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    assert opened.collection_ends_at == window_end(noon, 30)
    assert filing_deadline(Initiative.objects.get(pk=opened.pk)) is not None


@pytest.mark.django_db
def test_the_day_of_the_notice_is_checked(notice_rules, ready_initiative, author):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(InvalidInput, match="future"):
        chair_notice_record(initiative_id=ready_initiative.pk, actor=author, notified_on=tomorrow)
    with pytest.raises(InvalidInput, match="before the draft"):
        chair_notice_record(
            initiative_id=ready_initiative.pk, actor=author, notified_on=datetime.date(2020, 1, 1)
        )
    assert Initiative.objects.get(pk=ready_initiative.pk).chair_notified_on is None


@pytest.mark.django_db
def test_filing_after_the_term_counted_from_the_notice_is_refused(notice_rules, ready_initiative, author):
    chair_notice_record(initiative_id=ready_initiative.pk, actor=author, notified_on=timezone.localdate())
    services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    Initiative.objects.filter(pk=ready_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(ready_initiative, author, FILED_THRESHOLD)
    # The notice was, say, on 2 January: the term ends on 2 March (art. 112 k.c.); a day later it is over.
    Initiative.objects.filter(pk=ready_initiative.pk).update(
        chair_notified_on=timezone.localdate() - datetime.timedelta(days=90)
    )
    with pytest.raises(TransitionRefused, match="within 2 months of the notice"):
        initiative_submit(initiative_id=ready_initiative.pk, actor=author)
    Initiative.objects.filter(pk=ready_initiative.pk).update(chair_notified_on=timezone.localdate())
    assert initiative_submit(initiative_id=ready_initiative.pk, actor=author).status == "submitted"


@pytest.mark.django_db
def test_the_api_and_the_manage_page_record_it(notice_rules, ready_initiative, author, api_client, client):
    api_client.force_login(author)
    url = f"/api/v1/initiatives/{ready_initiative.pk}/chair-notice/"
    assert api_client.post(url, {"notified_on": "2999-01-01"}, format="json").status_code == 400
    assert (
        api_client.post(url, {"notified_on": timezone.localdate().isoformat()}, format="json").status_code
        == 200
    )
    assert Initiative.objects.get(pk=ready_initiative.pk).chair_notified_on == timezone.localdate()

    client.force_login(author)
    page = client.get(f"/initiatives/{ready_initiative.pk}/manage/").content.decode()
    assert f'action="/initiatives/{ready_initiative.pk}/chair-notice/"' in page
    answer = client.post(
        f"/initiatives/{ready_initiative.pk}/chair-notice/",
        {"notified_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert answer.status_code == 200


@pytest.mark.django_db
def test_without_such_a_rule_nothing_changes(ready_initiative, author):
    assert not any("chair" in problem for problem in services.open_refusals(ready_initiative))
    opened = services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    assert filing_deadline(opened) is None
