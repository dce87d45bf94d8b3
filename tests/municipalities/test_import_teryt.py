from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from municipalities.csv_files import ImportFileError
from municipalities.levels import Level
from municipalities.models import Unit
from municipalities.teryt_import import parse_terc_row

HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n"
SMALL = (
    "02;;;;DOLNOŚLĄSKIE;województwo;2020-01-01\n"
    "02;01;;;bolesławiecki;powiat;2020-01-01\n"
    "02;01;01;1;Bolesławiec;gmina miejska;2020-01-01\n"
    "02;01;02;2;Bolesławiec;gmina wiejska;2020-01-01\n"
    "02;01;03;3;Nowogrodziec;gmina miejsko-wiejska;2020-01-01\n"
    "02;01;03;4;Nowogrodziec;miasto;2020-01-01\n"
    "02;01;03;5;Nowogrodziec;obszar wiejski;2020-01-01\n"
    "02;61;;;Jelenia Góra;miasto na prawach powiatu;2020-01-01\n"
    "02;61;01;1;Jelenia Góra;gmina miejska;2020-01-01\n"
)


def write(tmp_path: Path, text: str, *, bom: bool = False, name: str = "terc.csv") -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_creates_three_levels_with_parents_kinds_and_council_names(tmp_path):
    call_command("import_teryt", write(tmp_path, HEADER + SMALL))

    assert Unit.objects.filter(level=Level.WOJEWODZTWO).count() == 1
    assert Unit.objects.filter(level=Level.POWIAT).count() == 2
    assert Unit.objects.filter(level=Level.GMINA).count() == 4  # RODZ 4 and 5 are parts of gmina 3
    gmina = Unit.objects.get(teryt="0201033")
    assert (gmina.name, gmina.kind, gmina.parent.teryt) == ("Nowogrodziec", "gmina miejsko-wiejska", "0201")
    assert Unit.objects.get(teryt="02").name == "dolnośląskie"
    assert Unit.objects.get(teryt="02").council_name == "Sejmik Województwa Dolnośląskiego"
    assert Unit.objects.get(teryt="0201").council_name == "Rada Powiatu Bolesławieckiego"
    assert Unit.objects.get(teryt="0201022").council_name == "Rada Gminy Bolesławiec"
    city = Unit.objects.get(teryt="0261")
    assert city.is_city_with_powiat_rights and not city.accepts_initiatives


@pytest.mark.django_db
def test_import_accepts_a_byte_order_mark_and_crlf(tmp_path):
    call_command("import_teryt", write(tmp_path, (HEADER + SMALL).replace("\n", "\r\n"), bom=True))
    assert Unit.objects.count() == 7


@pytest.mark.django_db
def test_second_import_changes_nothing_and_keeps_corrected_council_names(tmp_path, capsys):
    path = write(tmp_path, HEADER + SMALL)
    call_command("import_teryt", path)
    Unit.objects.filter(teryt="0201011").update(council_name="Rada Miasta Bolesławiec (statut)")
    ids = dict(Unit.objects.values_list("teryt", "id"))

    call_command("import_teryt", path)

    assert "updated: 0; unchanged: 7" in capsys.readouterr().out
    assert dict(Unit.objects.values_list("teryt", "id")) == ids
    assert Unit.objects.get(teryt="0201011").council_name == "Rada Miasta Bolesławiec (statut)"


@pytest.mark.django_db
def test_renamed_unit_is_updated_in_place(tmp_path):
    call_command("import_teryt", write(tmp_path, HEADER + SMALL))
    before = Unit.objects.get(teryt="0201022").pk
    call_command("import_teryt", write(tmp_path, HEADER + SMALL.replace(";2;Bolesławiec;", ";2;Nowa Nazwa;")))
    unit = Unit.objects.get(teryt="0201022")
    assert (unit.pk, unit.name) == (before, "Nowa Nazwa")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("2;01;01;1;X;gmina miejska;2020-01-01", "line 11: WOJ must be two digits"),
        ("02;01;09;7;X;gmina;2020-01-01", "line 11: RODZ must be one of"),
        ("02;01;09;1;;gmina miejska;2020-01-01", "line 11: NAZWA is empty"),
        ("02;01;09;1;X;gmina miejska", "line 11: expected 7 columns, found 6"),
        ("02;77;01;1;X;gmina miejska;2020-01-01", "line 11: TERC 0277011 has no parent 0277"),
        (
            "02;01;01;1;Again;gmina miejska;2020-01-01",
            "line 11: TERC 0201011 appears again (first on line 4)",
        ),
    ],
)
def test_malformed_row_is_named_and_nothing_is_loaded(tmp_path, bad_row, message):
    path = write(tmp_path, HEADER + SMALL + bad_row + "\n")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_teryt", path)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_wrong_header_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="line 1: expected the header"):
        call_command("import_teryt", write(tmp_path, "A;B\n1;2\n"))
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_teryt", tmp_path / "missing.csv")
    latin2 = tmp_path / "latin2.csv"
    latin2.write_bytes((HEADER + SMALL).encode("iso-8859-2"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_teryt", latin2)
    assert Unit.objects.count() == 0


digits2 = st.text(alphabet="0123456789", min_size=2, max_size=2)


@given(
    woj=digits2, pow_=digits2, gmi=digits2, rodz=st.sampled_from("123"), name=st.text(min_size=1, max_size=40)
)
def test_every_wellformed_gmina_row_gives_a_seven_digit_code(woj, pow_, gmi, rodz, name):
    row = {
        "WOJ": woj,
        "POW": pow_,
        "GMI": gmi,
        "RODZ": rodz,
        "NAZWA": name,
        "NAZWA_DOD": "gmina",
        "STAN_NA": "",
    }
    entry = parse_terc_row(1, row)
    assert entry.teryt == woj + pow_ + gmi + rodz and entry.parent_teryt == woj + pow_


@given(woj=st.text(max_size=4).filter(lambda s: not (len(s) == 2 and s.isascii() and s.isdigit())))
def test_any_malformed_voivodeship_code_is_refused(woj):
    row = {"WOJ": woj, "POW": "", "GMI": "", "RODZ": "", "NAZWA": "x", "NAZWA_DOD": "", "STAN_NA": ""}
    with pytest.raises(ImportFileError):
        parse_terc_row(7, row)
