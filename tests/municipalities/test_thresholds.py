import pytest

from municipalities.levels import Level
from municipalities.thresholds import signature_threshold


@pytest.mark.parametrize(
    ("level", "population", "expected"),
    [
        (Level.GMINA, 0, 100),
        (Level.GMINA, 5_000, 100),
        (Level.GMINA, 5_001, 200),
        (Level.GMINA, 20_000, 200),
        (Level.GMINA, 20_001, 300),
        (Level.GMINA, 1_860_000, 300),
        (Level.POWIAT, 1, 300),
        (Level.POWIAT, 100_000, 300),
        (Level.POWIAT, 100_001, 500),
        (Level.WOJEWODZTWO, 1, 1_000),
        (Level.WOJEWODZTWO, 5_500_000, 1_000),
    ],
)
def test_threshold_at_every_statutory_boundary(level, population, expected):
    assert signature_threshold(level, population) == expected


@pytest.mark.parametrize("level", list(Level))
def test_no_threshold_without_a_population_figure(level):
    assert signature_threshold(level, None) is None


def test_level_given_as_plain_string_is_accepted():
    assert signature_threshold("gmina", 5_001) == 200
