"""A PESEL number is never written back into a page: every form that asks for it, sent back with errors.

docs/privacy.md: "A page sent back with errors shows what the person typed, except the PESEL number". The
sign page, the e-signature page and the committee's paper-entry page each ask for it where the rules do.
"""

# ruff: noqa: F811  (the fixtures imported below are named again as test arguments)

import pytest
from django.test import Client

from signatures.models import Signature
from tests.pki import ADULT_PESEL, krakow_collecting, open_krakow, pki, trusted_roots  # noqa: F401
from tests.signatures.paper.test_paper_sheets import pesel_initiative  # noqa: F401  (a fixture)
from tests.signatures.test_pages import powiat_initiative  # noqa: F401  (a fixture)

# The number as people also type it: with spaces; neither form may come back.
TYPED = {"plain": ADULT_PESEL, "spaced": f"{ADULT_PESEL[:6]} {ADULT_PESEL[6:]}"}


def assert_no_pesel(html: str) -> None:
    assert ADULT_PESEL not in html and ADULT_PESEL[:6] not in html and ADULT_PESEL[6:] not in html


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED.values(), ids=TYPED.keys())
def test_the_e_signature_page_sent_back_with_errors_never_shows_the_pesel(browser, krakow_collecting, typed):
    refused = browser.post(
        f"/initiatives/{krakow_collecting.pk}/sign/e-signature/",
        {
            "first_names": "Jan",
            "last_name": "Kowalski",
            "address": "ul. Floriańska 1/2, 31-019 Kraków",
            "pesel": typed,
            "citizenship": "PL",
            "privacy_notice": "on",  # the declaration is not ticked
        },
    )

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'href="#id_declaration"' in html and 'name="pesel"' in html
    assert_no_pesel(html)
    assert 'value="Kowalski"' in html  # the other fields keep what was typed
    assert "the number is not shown again" in html


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED.values(), ids=TYPED.keys())
def test_the_paper_entry_page_sent_back_with_errors_never_shows_the_pesel(
    browser, pesel_initiative, author, typed
):
    browser.force_login(author)
    refused = browser.post(
        f"/initiatives/{pesel_initiative.pk}/paper/",
        {
            "sheet_number": "2",
            "first_names": "Łukasz",
            "last_name": "Żółkiewski",
            "address": "ul. Krakowska 5, 42-600 Tarnowskie Góry",
            "pesel": typed,
            # the row's handwritten signature is not ticked
        },
    )

    html = refused.content.decode()
    assert 'class="error-summary"' in html and 'name="pesel"' in html
    assert_no_pesel(html)
    assert 'value="Żółkiewski"' in html
    assert "The number is not shown again" in html
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_the_sign_page_sent_back_with_errors_never_shows_the_pesel(browser, powiat_initiative):
    refused = browser.post(
        f"/initiatives/{powiat_initiative.pk}/sign/",
        {
            "first_names": "Jan",
            "last_name": "",
            "address": "ul. Górnicza 5, 42-600 Tarnowskie Góry",
            "pesel": TYPED["spaced"],
            "email": "jan@example.org",
            "declaration": "on",
            "privacy_notice": "on",
        },
    )

    html = refused.content.decode()
    assert 'href="#id_last_name"' in html
    assert_no_pesel(html)
