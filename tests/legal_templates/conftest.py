"""Fixtures: the shipped catalogue, loaded by `templates_load()` as `seed_demo` loads it, and demo units."""

import pytest

from legal_templates.catalogue import read_catalogue
from legal_templates.selectors import template_by_slug, version_in_force
from municipalities.models import Unit

GLIWICE, KATOWICE, KRAKOW, IRZADZE, MIASTECZKO = "2466011", "2469011", "1261011", "2416032", "2413021"
POWIAT_TARNOGORSKI, SLASKIE = "2413", "24"
# A unit of each level a template can be drafted for, to render every shipped template somewhere real.
UNIT_FOR_LEVEL = {"gmina": GLIWICE, "powiat": POWIAT_TARNOGORSKI, "wojewodztwo": SLASKIE}

SHIPPED = [entry.slug for entry in read_catalogue()]


@pytest.fixture
def catalogue(db):
    """The shipped catalogue in the database: `migrate` loaded it (legal_templates/apps.py), unless a
    transactional test's flush emptied the tables since; loading it is idempotent either way."""
    from legal_templates.services import templates_load

    return templates_load()


@pytest.fixture
def unit(demo_units):
    def get(teryt: str) -> Unit:
        return Unit.objects.select_related("parent__parent").get(teryt=teryt)

    return get


@pytest.fixture
def version(catalogue):
    def get(slug: str):
        return version_in_force(template_by_slug(slug))

    return get
