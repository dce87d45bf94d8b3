import pytest

from legal_templates.organ_names import (
    adjective_genitive,
    council_chair,
    council_genitive,
    executive_body,
    official_journal_locative,
)
from tests.legal_templates.conftest import (
    GLIWICE,
    IRZADZE,
    KATOWICE,
    KRAKOW,
    MIASTECZKO,
    POWIAT_TARNOGORSKI,
    SLASKIE,
)


@pytest.mark.parametrize(
    ("council", "genitive"),
    [
        ("Rada Miasta Gliwice", "Rady Miasta Gliwice"),
        ("Rada Miasta Krakowa", "Rady Miasta Krakowa"),
        ("Rada Miejska w Siewierzu", "Rady Miejskiej w Siewierzu"),
        ("Rada Gminy Irządze", "Rady Gminy Irządze"),
        ("Rada Miasta i Gminy Siewierz", "Rady Miasta i Gminy Siewierz"),
        ("Rada Powiatu Tarnogórskiego", "Rady Powiatu Tarnogórskiego"),
        ("Sejmik Województwa Śląskiego", "Sejmiku Województwa Śląskiego"),
        ("Rada m.st. Warszawy", "Rady m.st. Warszawy"),
        ("Rada Gminna w Przykładowie", "Rady Gminnej w Przykładowie"),
    ],
)
def test_council_name_in_the_genitive(council, genitive):
    assert council_genitive(council) == genitive


@pytest.mark.parametrize(
    ("adjective", "genitive"),
    [
        ("śląskie", "Śląskiego"),
        ("małopolskie", "Małopolskiego"),
        ("kujawsko-pomorskie", "Kujawsko-Pomorskiego"),
        ("tarnogórski", "Tarnogórskiego"),
    ],
)
def test_adjective_names_in_the_genitive(adjective, genitive):
    assert adjective_genitive(adjective) == genitive


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("teryt", "nominative", "dative"),
    [
        (GLIWICE, "Prezydent Miasta Gliwice", "Prezydentowi Miasta Gliwice"),
        (KATOWICE, "Prezydent Miasta Katowice", "Prezydentowi Miasta Katowice"),
        (KRAKOW, "Prezydent Miasta Krakowa", "Prezydentowi Miasta Krakowa"),
        (MIASTECZKO, "Burmistrz Miasta Miasteczko Śląskie", "Burmistrzowi Miasta Miasteczko Śląskie"),
        ("2401073", "Burmistrz Miasta i Gminy Siewierz", "Burmistrzowi Miasta i Gminy Siewierz"),
        (IRZADZE, "Wójt Gminy Irządze", "Wójtowi Gminy Irządze"),
        (POWIAT_TARNOGORSKI, "Zarząd Powiatu Tarnogórskiego", "Zarządowi Powiatu Tarnogórskiego"),
        (SLASKIE, "Zarząd Województwa Śląskiego", "Zarządowi Województwa Śląskiego"),
    ],
)
def test_the_executive_follows_from_the_units_level_and_kind(teryt, nominative, dative, unit):
    organ = executive_body(unit(teryt))
    assert (organ.nominative, organ.dative) == (nominative, dative)


@pytest.mark.django_db
def test_a_town_above_100000_residents_has_a_president(unit):
    town = unit(MIASTECZKO)
    town.population = 100_001
    assert executive_body(town).nominative == "Prezydent Miasta Miasteczko Śląskie"


@pytest.mark.django_db
def test_the_chair_and_the_journal(unit):
    assert council_chair(unit(SLASKIE)).dative == "Przewodniczącemu Sejmiku Województwa Śląskiego"
    assert official_journal_locative(unit(IRZADZE)) == "Dzienniku Urzędowym Województwa Śląskiego"
    assert official_journal_locative(unit(SLASKIE)) == "Dzienniku Urzędowym Województwa Śląskiego"
