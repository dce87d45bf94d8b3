"""Printable paper sheets: the council's format on every page, columns by the rules, for the committee."""

import os
import subprocess
import tempfile

import pytest
from django.conf import settings

from initiative import services
from initiative.services import initiative_withdraw
from municipalities.local_rules import local_rules_import
from municipalities.models import Unit
from signatures.paper.services import paper_sheets_pdf
from tests.initiative.conftest import complete_committee


def pages_text(pdf: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext), whitespace folded so wrapped lines still match."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", file.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def keep_for_eyes(pdf: bytes, name: str) -> None:
    """PAPER_SHEET_DIR=<dir> keeps the rendered sheets, to look at them."""
    directory = os.environ.get("PAPER_SHEET_DIR")
    if directory:
        with open(os.path.join(directory, name), "wb") as file:
            file.write(pdf)


@pytest.fixture
def pesel_initiative(start_initiative, join_committee, author):
    """An initiative of the Tarnowskie Góry powiat, whose rules (imported here) ask for PESEL."""
    local_rules_import(
        [
            {
                "teryt": "2413",
                "resolution": "XII/150/2019",
                "adopted_on": "2019-06-27",
                "committee_min": 5,
                "representative": "optional",
                "identifier": "pesel",
                "signature_methods": ["paper"],
                "collection_days": None,
                "verification_days": None,
                "supplement_days": None,
            }
        ]
    )
    Unit.objects.filter(teryt="2413").update(population=139_000)
    initiative = start_initiative(author, teryt="2413", slug="stanowisko-apel")
    complete_committee(initiative, author, join_committee, address="ul. Krakowska 1, 42-600 Tarnowskie Góry")
    return services.initiative_open(initiative_id=initiative.pk, actor=author)


@pytest.mark.django_db
def test_every_page_names_the_draft_the_committee_and_links_to_it(collecting_initiative):
    pdf = paper_sheets_pdf(collecting_initiative, pages=3, first_sheet=7)
    keep_for_eyes(pdf, "sheets-gliwice.pdf")
    assert pdf.startswith(b"%PDF-") and b"pdfaid:part" in pdf  # PDF/A
    pages = pages_text(pdf)
    assert len(pages) == 3
    title = " ".join(collecting_initiative.title.split())
    draft_url = f"{settings.SITE_URL}/initiatives/{collecting_initiative.pk}/"
    for number, page in enumerate(pages, start=1):
        assert "WYKAZ OSÓB POPIERAJĄCYCH PROJEKT UCHWAŁY" in page
        assert title in page
        assert "Rady Miasta Gliwice" in page
        assert "Komitet Inicjatywy Uchwałodawczej" in page and "pełnomocnik komitetu: Adam Autor" in page
        assert draft_url in page and f"{draft_url}privacy/" in page
        assert "art. 41a ustawy z dnia 8 marca 1990 r. o samorządzie gminnym" in page
        assert "uchwała nr II/25/2018" in page
        assert f"Arkusz nr {6 + number}" in page and f"strona {number} z 3" in page
        assert "Własnoręczny podpis" in page and "Data urodzenia" in page
        assert "Obywatelstwo" in page  # a gmina: EU and UK citizens may sign too
        assert "PESEL" not in page  # Gliwice's rules ask for the date of birth: nothing more


@pytest.mark.django_db
def test_a_council_that_asks_for_pesel_gets_the_pesel_column_and_no_citizenship(pesel_initiative):
    pdf = paper_sheets_pdf(pesel_initiative, pages=1)
    keep_for_eyes(pdf, "sheets-powiat.pdf")
    (page,) = pages_text(pdf)
    assert "Numer PESEL" in page and "Data urodzenia" not in page
    assert "Obywatelstwo" not in page  # a powiat: Polish citizens only, nothing to ask
    assert "Rady Powiatu Tarnogórskiego" in page
    assert "art. 42a ustawy z dnia 5 czerwca 1998 r. o samorządzie powiatowym" in page


@pytest.mark.django_db
def test_only_the_committee_prints_and_only_while_collecting(client, collecting_initiative, outsider, author):
    url = f"/initiatives/{collecting_initiative.pk}/paper/sheets.pdf"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(outsider)
    assert client.get(url, {"pages": 2}).status_code == 404

    client.force_login(author)
    response = client.get(url, {"pages": 2, "first_sheet": 11})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pages_text(b"".join(response.streaming_content))
    assert [("Arkusz nr 11" in page, "Arkusz nr 12" in page) for page in pages] == [
        (True, False),
        (False, True),
    ]

    assert client.get(url, {"pages": 0}).status_code == 400
    assert client.get(url, {"pages": 10_000}).status_code == 400

    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    response = client.get(url, {"pages": 2})
    assert (
        response.status_code == 302
        and response["Location"] == f"/initiatives/{collecting_initiative.pk}/paper/"
    )
