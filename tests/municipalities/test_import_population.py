import datetime

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Unit


def write(tmp_path, text):
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_figures_are_stored_with_date_and_source(demo_units, tmp_path):
    call_command(
        "import_population",
        write(tmp_path, "teryt,population,as_of\n2401073,12404,2023-12-31\n24,4300000,2023-12-31\n"),
        source="GUS BDL 2023",
    )
    siewierz = Unit.objects.get(teryt="2401073")
    assert (siewierz.population, siewierz.population_as_of) == (12404, datetime.date(2023, 12, 31))
    assert siewierz.population_source == "GUS BDL 2023"
    assert siewierz.signature_threshold == 200
    # Silesia's recorded figure is newer (2024): the older one is skipped, not applied.
    assert Unit.objects.get(teryt="24").population == 4291441


@pytest.mark.django_db
def test_second_import_is_a_no_op(demo_units, tmp_path, capsys):
    path = write(tmp_path, "teryt,population,as_of\n2401073,12404,2023-12-31\n")
    call_command("import_population", path)
    call_command("import_population", path)
    assert "updated: 0; unchanged: 1" in capsys.readouterr().out.splitlines()[-1]
    assert Unit.objects.get(teryt="2401073").population_source == "population.csv"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("24011,100,2023-12-31", "line 3: teryt must be a 2, 4 or 7-digit TERC code"),
        ("2401073,-5,2023-12-31", "line 3: population must be a whole number"),
        ("2401073,12 404,2023-12-31", "line 3: population must be a whole number"),
        ("2401073,999999999,2023-12-31", "line 3: population 999999999 is larger than the country's"),
        ("2401073,100,31.12.2023", "line 3: as_of must be a date YYYY-MM-DD"),
        ("2401073,100,2023-02-30", "line 3: as_of must be a date YYYY-MM-DD"),
        ("9999999,100,2023-12-31", "line 3: no unit with TERC code 9999999"),
        ("2466011,100,2023-12-31", "line 3: TERC 2466011 appears again"),
    ],
)
def test_bad_row_is_named_and_nothing_changes(demo_units, tmp_path, row, message):
    path = write(tmp_path, f"teryt,population,as_of\n2466011,1,2030-01-01\n{row}\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_population", path)
    assert Unit.objects.get(teryt="2466011").population == 178603


@pytest.mark.django_db
def test_wrong_header_is_refused(demo_units, tmp_path):
    with pytest.raises(CommandError, match="expected the header"):
        call_command("import_population", write(tmp_path, "kod,ludnosc,data\n24,1,2020-01-01\n"))
