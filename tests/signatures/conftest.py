import pytest

from tests.initiative.conftest import (  # noqa: F401  (fixtures shared with the initiative tests)
    collecting_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)

ADULT_PESEL = "44051401458"  # a valid test number: born 14 May 1944


def supporter(**changes) -> dict:
    """A supporter for Gliwice, whose rules ask for the date of birth."""
    data = {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Zwycięstwa 10/2, 44-100 Gliwice",
        "birth_date": "1980-03-15",
        "citizenship": "PL",
        "email": "jan.kowalski@example.org",
        "declaration": True,
        "privacy_notice": True,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def sign_url(collecting_initiative):  # noqa: F811  (the fixture, imported above)
    return f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/"
