"""Local rules as real resolutions state them (municipalities.local_rules): a council's history in one file,
the version in force, annulment by the voivode, dates checked, nothing written on any error; and the form by
which a resident points the operators to a resolution not recorded yet."""

import datetime
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from municipalities.local_rules import rules_in_force
from municipalities.models import LocalRules, Unit
from municipalities.selectors import unit_search
from tests.municipalities.test_local_rules import KATOWICE_2019

KATOWICE_2022 = {
    **KATOWICE_2019,
    "resolution": "LVII/1101/22",
    "adopted_on": "2022-09-29",
    "committee_min": 7,
    "title": "w sprawie określenia szczegółowych zasad wnoszenia inicjatyw obywatelskich",
    "in_force_from": "2022-10-20",
    "journal": "Dz. Urz. Woj. Śl. z 2022 r. poz. 6000",
    "chair_notice": True,
}


def load(tmp_path, objects):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    call_command("import_local_rules", path)


def katowice() -> Unit:
    return Unit.objects.get(teryt="2469011")


@pytest.mark.django_db
def test_a_history_in_one_file_is_numbered_as_adopted_and_the_newest_is_in_force(demo_units, tmp_path):
    LocalRules.objects.filter(unit__teryt="2469011").delete()
    load(tmp_path, [KATOWICE_2022, KATOWICE_2019])  # newest first in the file
    versions = list(katowice().rules_versions.order_by("version").values_list("resolution", flat=True))
    assert versions == ["VII/128/19", "LVII/1101/22"]
    rules = rules_in_force(katowice())
    assert (rules.resolution, rules.committee_min, rules.chair_notice) == ("LVII/1101/22", 7, True)
    assert rules.journal == "Dz. Urz. Woj. Śl. z 2022 r. poz. 6000"
    assert rules.as_contract_object()["in_force_from"] == "2022-10-20"
    # The list's prefetch agrees with the single read.
    (listed,) = [unit for unit in unit_search(search="Katowice") if unit.teryt == "2469011"]
    assert rules_in_force(listed).resolution == "LVII/1101/22"

    load(tmp_path, [KATOWICE_2019, KATOWICE_2022])  # the same history again: nothing new
    assert katowice().rules_versions.count() == 2


@pytest.mark.django_db
def test_an_annulled_resolution_is_not_in_force(demo_units, tmp_path):
    LocalRules.objects.filter(unit__teryt="2469011").delete()
    load(tmp_path, [KATOWICE_2019, KATOWICE_2022])
    annulled = {**KATOWICE_2022, "annulled_on": "2022-11-15", "annulment": "NP/II/0553/123/22"}
    load(tmp_path, [annulled])
    assert rules_in_force(katowice()).resolution == "VII/128/19"  # the one before applies again
    (listed,) = [unit for unit in unit_search(search="Katowice") if unit.teryt == "2469011"]
    assert rules_in_force(listed).resolution == "VII/128/19"

    load(tmp_path, [{**KATOWICE_2019, "annulled_on": "2019-06-01", "annulment": "NP/II/0553/1/19"}])
    assert rules_in_force(katowice()).is_default  # nothing left in force: the statute


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"adopted_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()}, "in the future"),
        ({"in_force_from": "2022-09-01"}, "in_force_from: before adopted_on"),
        ({"annulled_on": "2022-12-01"}, "name the voivode's decision"),
        ({"source_url": "not a link"}, "source_url"),
        ({"chair_notice": "maybe"}, "chair_notice"),
    ],
)
def test_a_bad_history_writes_nothing(demo_units, tmp_path, change, message):
    before = list(LocalRules.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match=message):
        load(tmp_path, [KATOWICE_2019, {**KATOWICE_2022, **change}])
    assert list(LocalRules.objects.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_two_different_objects_for_one_resolution_are_refused(demo_units, tmp_path):
    with pytest.raises(CommandError, match="otherwise"):
        load(tmp_path, [KATOWICE_2022, {**KATOWICE_2022, "committee_min": 9}])


@pytest.mark.django_db
def test_the_defaults_are_paper_only_and_the_council_page_says_so(demo_units, client):
    unit = Unit.objects.get(teryt="2416032")  # no rules recorded
    assert rules_in_force(unit).signature_methods == ("paper",)
    page = client.get(reverse("council-detail", args=[unit.teryt])).content.decode()
    assert "Własne zasady tej rady dotyczące inicjatyw nie są zapisane w serwisie." in page
    assert f'action="/councils/{unit.teryt}/rules-report/"' in page


@pytest.mark.django_db
def test_a_resident_points_the_operators_to_the_resolution(demo_units, client, make_user, settings):
    make_user("operator@example.org", is_staff=True)
    make_user("mieszkaniec@example.org")  # not an operator: not told
    url = reverse("council-rules-report", args=["2416032"])
    refused = client.post(url, {"reference": ""})
    assert refused.status_code == 400 and not mail.outbox
    answer = client.post(url, {"reference": "Uchwała nr XX/150/2019 z 28 listopada 2019 r."}, follow=True)
    assert "Dziękujemy: operatorzy sprawdzą uchwałę i ją zapiszą." in answer.content.decode()
    # The outbox sends after the commit; under the test's transaction it is read from the table.
    from outbox.models import Email

    (email,) = Email.objects.filter(kind="municipalities/rules_report")
    assert email.to == "operator@example.org"
    assert "XX/150/2019" in email.body and "2416032" in email.body


@pytest.mark.django_db
def test_reports_are_rate_limited_per_address(demo_units, client, make_user, settings):
    from django.core.cache import cache

    settings.RATE_LIMITS = True
    cache.clear()
    make_user("operator@example.org", is_staff=True)
    url = reverse("council-rules-report", args=["2416032"])
    for _ in range(5):
        client.post(url, {"reference": "XX/150/2019"})
    answer = client.post(url, {"reference": "XX/150/2019"}, follow=True)
    assert "Zbyt wiele zgłoszeń z tego adresu" in answer.content.decode()
    from outbox.models import Email

    assert Email.objects.filter(kind="municipalities/rules_report").count() == 5


@pytest.mark.django_db
def test_the_council_page_shows_what_the_resolution_states(demo_units, tmp_path, client):
    trzcianka_like = {
        **KATOWICE_2022,
        "filing_months_after_notice": 2,
        "esign_note": "Poparcie elektroniczne wyłącznie przez moduł miasta.",
        "filing": "Niezwłocznie, w kancelarii urzędu.",
        "source_url": "https://bip.example.org/uchwala",
    }
    load(tmp_path, [trzcianka_like])
    page = client.get(reverse("council-detail", args=["2469011"])).content.decode()
    assert "komitet zawiadamia przewodniczącego rady" in page
    assert "projekt składa się w ciągu 2 miesięcy od zawiadomienia" in page
    assert "Poparcie elektroniczne wyłącznie przez moduł miasta." in page
    assert "Niezwłocznie, w kancelarii urzędu." in page
    assert "Dz. Urz. Woj. Śl. z 2022 r. poz. 6000" in page
    assert 'href="https://bip.example.org/uchwala"' in page
    assert "Własne zasady tej rady" not in page
