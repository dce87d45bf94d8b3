"""Shared fixtures: a real PostgreSQL (pytest-django's test database on the configured server) and data."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def demo_units(db):
    """The demo councils, loaded through the real imports (TERC subset, population, local rules)."""
    from municipalities.demo import seed_municipalities

    seed_municipalities()
