import json

import pytest
from django.core.management import CommandError, call_command

from municipalities.local_rules import default_rules, rules_in_force
from municipalities.models import LocalRules, Unit

KATOWICE_2019 = {
    "teryt": "2469011",
    "resolution": "VII/128/19",
    "adopted_on": "2019-04-25",
    "committee_min": 5,
    "representative": "optional",
    "identifier": "birth_date",
    "signature_methods": ["paper"],
    "collection_days": None,
    "verification_days": None,
    "supplement_days": None,
}


def load(tmp_path, objects):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    call_command("import_local_rules", path)


@pytest.mark.django_db
def test_unit_without_rules_gets_the_contract_defaults(demo_units):
    rules = rules_in_force(Unit.objects.get(teryt="2416032"))
    assert rules == default_rules("2416032")
    assert rules.is_default
    assert (rules.committee_min, rules.representative, rules.identifier) == (5, "optional", "birth_date")
    assert rules.signature_methods == ("paper",)  # the statute knows no electronic support
    assert (rules.collection_days, rules.verification_days, rules.supplement_days) == (None, None, None)


@pytest.mark.django_db
def test_a_change_is_a_new_version_and_the_newest_is_in_force(demo_units, tmp_path):
    katowice = Unit.objects.get(teryt="2469011")
    assert rules_in_force(katowice).version == 1

    load(
        tmp_path,
        [{**KATOWICE_2019, "resolution": "XX/1/24", "adopted_on": "2024-06-01", "collection_days": 90}],
    )

    assert list(katowice.rules_versions.order_by("version").values_list("resolution", flat=True)) == [
        "VII/128/19",
        "XX/1/24",
    ]
    rules = rules_in_force(katowice)
    assert (rules.version, rules.resolution, rules.collection_days) == (2, "XX/1/24", 90)


@pytest.mark.django_db
def test_importing_the_same_rules_again_adds_no_version(demo_units, tmp_path, capsys):
    load(tmp_path, [KATOWICE_2019])
    assert "new versions: 0; unchanged: 1" in capsys.readouterr().out
    assert LocalRules.objects.filter(unit__teryt="2469011").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"committee_min": 0}, "committee minimum must be between 1 and 100"),
        ({"committee_min": 500}, "committee minimum must be between 1 and 100"),
        ({"signature_methods": []}, "signature_methods"),
        ({"signature_methods": ["fax"]}, "signature_methods"),
        ({"identifier": "passport"}, "identifier"),
        ({"representative": "maybe"}, "representative"),
        ({"collection_days": 0}, "whole number of days, at least 1"),
        ({"adopted_on": "25.04.2019"}, "adopted_on"),
        ({"teryt": "9999999"}, "TERC 9999999: no such unit"),
        ({"colour": "red"}, "colour: Unknown field"),
    ],
)
def test_invalid_rules_are_refused_whole(demo_units, tmp_path, change, message):
    valid_other = {**KATOWICE_2019, "teryt": "2416032"}
    with pytest.raises(CommandError, match=message):
        load(tmp_path, [valid_other, {**KATOWICE_2019, **change}])
    assert not LocalRules.objects.filter(unit__teryt="2416032").exists()
    assert LocalRules.objects.filter(unit__teryt="2469011").count() == 1


@pytest.mark.django_db
def test_not_a_json_list_is_a_clear_error(demo_units, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("import_local_rules", path)
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="expected a JSON list"):
        call_command("import_local_rules", path)


@pytest.mark.django_db
def test_demo_rules_of_krakow_require_a_deputy_and_accept_e_signatures(demo_units):
    rules = rules_in_force(Unit.objects.get(teryt="1261011"))
    assert rules.representative == "required_with_deputy"
    assert rules.accepts("qes") and rules.accepts("trusted_profile") and not rules.accepts("email")
