"""Loading population figures: CSV `teryt,population,as_of`, one figure per unit.

The statute sets the threshold by the number of residents but names no source or date, so each figure
keeps both; a figure older than the one recorded is skipped, which keeps the import idempotent and lets
files be loaded in any order.
"""

import dataclasses
import datetime
import re
from pathlib import Path

from django.db import transaction

from municipalities.csv_files import ImportFileError, read_rows
from municipalities.models import Unit

HEADER = ("teryt", "population", "as_of")
TERYT = re.compile(r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{7})$")
MAX_POPULATION = 40_000_000  # more than Poland: a figure above it is a typo


@dataclasses.dataclass(frozen=True)
class PopulationFigure:
    line: int
    teryt: str
    population: int
    as_of: datetime.date


@dataclasses.dataclass
class PopulationImportReport:
    updated: int = 0
    unchanged: int = 0
    older_than_recorded: int = 0


def parse_population_row(line: int, row: dict[str, str]) -> PopulationFigure:
    teryt, population, as_of = row["teryt"], row["population"], row["as_of"]
    if not TERYT.match(teryt):
        raise ImportFileError(f"teryt must be a 2, 4 or 7-digit TERC code, found {teryt!r}", line=line)
    if not population.isdigit() or not population.isascii():
        raise ImportFileError(f"population must be a whole number, found {population!r}", line=line)
    if int(population) > MAX_POPULATION:
        raise ImportFileError(f"population {population} is larger than the country's", line=line)
    try:
        date = datetime.date.fromisoformat(as_of) if len(as_of) == 10 else None
    except ValueError:
        date = None
    if date is None:
        raise ImportFileError(f"as_of must be a date YYYY-MM-DD, found {as_of!r}", line=line)
    return PopulationFigure(line, teryt, int(population), date)


def read_population(path: Path) -> list[PopulationFigure]:
    figures: dict[str, PopulationFigure] = {}
    for line, row in read_rows(path, delimiter=",", header=HEADER):
        figure = parse_population_row(line, row)
        if figure.teryt in figures:
            raise ImportFileError(
                f"TERC {figure.teryt} appears again (first on line {figures[figure.teryt].line})", line=line
            )
        figures[figure.teryt] = figure
    return list(figures.values())


def population_import(path: Path, *, source: str) -> PopulationImportReport:
    figures = read_population(path)
    report = PopulationImportReport()
    with transaction.atomic():
        # Locked, so that two imports at once cannot interleave "older than recorded" decisions.
        units = Unit.objects.select_for_update().in_bulk([f.teryt for f in figures], field_name="teryt")
        for figure in figures:
            if figure.teryt not in units:
                raise ImportFileError(
                    f"no unit with TERC code {figure.teryt}; import the TERC list first", figure.line
                )
        changed = []
        for figure in figures:
            unit = units[figure.teryt]
            if unit.population_as_of and unit.population_as_of > figure.as_of:
                report.older_than_recorded += 1
                continue
            new_values = (figure.population, figure.as_of, source)
            if (unit.population, unit.population_as_of, unit.population_source) == new_values:
                report.unchanged += 1
                continue
            unit.population, unit.population_as_of, unit.population_source = new_values
            changed.append(unit)
        Unit.objects.bulk_update(
            changed, ["population", "population_as_of", "population_source"], batch_size=1000
        )
        report.updated = len(changed)
    return report
