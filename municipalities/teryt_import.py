"""Loading the GUS TERC list: voivodeships, powiats and gminas (RODZ 1, 2, 3).

Idempotent: a unit is matched by its TERC code; a second run of the same file writes nothing. Council
names are set only when a unit is first created, so an operator's correction survives later imports.
Units missing from a newer list are kept (initiatives may refer to them) and reported.
"""

import dataclasses
import re
from pathlib import Path

from django.db import connection, transaction

from municipalities.council_names import default_council_name
from municipalities.csv_files import ImportFileError, read_rows
from municipalities.levels import Level
from municipalities.models import Unit

HEADER = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
GMINA_KINDS = {"1", "2", "3"}  # gmina miejska, wiejska, miejsko-wiejska; 4, 5, 8, 9 are parts of gminas
SKIPPED_KINDS = {"4", "5", "8", "9"}
TWO_DIGITS = re.compile(r"^[0-9]{2}$")
TERC_IMPORT_LOCK = 0x7E2C  # an arbitrary advisory-lock key, unique to this import


@dataclasses.dataclass(frozen=True)
class TercEntry:
    line: int
    teryt: str
    level: Level
    name: str
    kind: str

    @property
    def parent_teryt(self) -> str | None:
        return {Level.WOJEWODZTWO: None, Level.POWIAT: self.teryt[:2], Level.GMINA: self.teryt[:4]}[
            self.level
        ]


@dataclasses.dataclass
class TercImportReport:
    created: dict[str, int] = dataclasses.field(default_factory=lambda: {level.value: 0 for level in Level})
    updated: int = 0
    unchanged: int = 0
    not_in_file: list[str] = dataclasses.field(default_factory=list)


def parse_terc_row(line: int, row: dict[str, str]) -> TercEntry | None:
    """One TERC row as an entry, None for rows of kinds we do not keep; ImportFileError when malformed."""
    woj, pow_, gmi, rodz = row["WOJ"], row["POW"], row["GMI"], row["RODZ"]
    name, kind = row["NAZWA"], row["NAZWA_DOD"]
    if not TWO_DIGITS.match(woj):
        raise ImportFileError(f"WOJ must be two digits, found {woj!r}", line=line)
    if not name:
        raise ImportFileError("NAZWA is empty", line=line)
    if not pow_:
        if gmi or rodz:
            raise ImportFileError("a row without POW must have no GMI and no RODZ", line=line)
        # GUS writes voivodeship names in capitals; Polish writes them in lower case ("województwo śląskie").
        return TercEntry(line, woj, Level.WOJEWODZTWO, name.lower(), kind or "województwo")
    if not TWO_DIGITS.match(pow_):
        raise ImportFileError(f"POW must be two digits, found {pow_!r}", line=line)
    if not gmi:
        if rodz:
            raise ImportFileError("a row without GMI must have no RODZ", line=line)
        return TercEntry(line, woj + pow_, Level.POWIAT, name, kind or "powiat")
    if not TWO_DIGITS.match(gmi):
        raise ImportFileError(f"GMI must be two digits, found {gmi!r}", line=line)
    if rodz in SKIPPED_KINDS:
        return None
    if rodz not in GMINA_KINDS:
        raise ImportFileError(f"RODZ must be one of 1-5, 8, 9, found {rodz!r}", line=line)
    return TercEntry(line, woj + pow_ + gmi + rodz, Level.GMINA, name, kind)


def read_terc(path: Path) -> list[TercEntry]:
    entries: dict[str, TercEntry] = {}
    for line, row in read_rows(path, delimiter=";", header=HEADER):
        entry = parse_terc_row(line, row)
        if entry is None:
            continue
        if entry.teryt in entries:
            raise ImportFileError(
                f"TERC {entry.teryt} appears again (first on line {entries[entry.teryt].line})", line=line
            )
        entries[entry.teryt] = entry
    for entry in entries.values():
        if entry.parent_teryt and entry.parent_teryt not in entries:
            raise ImportFileError(
                f"TERC {entry.teryt} has no parent {entry.parent_teryt} in the file", line=entry.line
            )
    return list(entries.values())


def terc_import(path: Path) -> TercImportReport:
    """Read the whole file, then write it in one transaction: a bad row leaves the database untouched."""
    entries = read_terc(path)
    report = TercImportReport()
    with transaction.atomic():
        # One import at a time: two would race to create the same units (the lock ends with the transaction).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TERC_IMPORT_LOCK])
        existing = {unit.teryt: unit for unit in Unit.objects.select_related("parent")}
        for level in (Level.WOJEWODZTWO, Level.POWIAT, Level.GMINA):
            _import_level(level, [e for e in entries if e.level == level], existing, report)
        in_file = {entry.teryt for entry in entries}
        report.not_in_file = sorted(teryt for teryt in existing if teryt not in in_file)
    return report


def _import_level(
    level: Level, entries: list[TercEntry], existing: dict[str, Unit], report: TercImportReport
) -> None:
    new, changed = [], []
    for entry in entries:
        parent = existing[entry.parent_teryt] if entry.parent_teryt else None
        unit = existing.get(entry.teryt)
        if unit is None:
            new.append(
                Unit(
                    teryt=entry.teryt,
                    level=level,
                    name=entry.name,
                    kind=entry.kind,
                    parent=parent,
                    council_name=default_council_name(level, entry.kind, entry.name),
                )
            )
        elif (unit.name, unit.kind, unit.parent_id) != (
            entry.name,
            entry.kind,
            parent.pk if parent else None,
        ):
            unit.name, unit.kind, unit.parent = entry.name, entry.kind, parent
            changed.append(unit)
        else:
            report.unchanged += 1
    for unit in Unit.objects.bulk_create(new, batch_size=1000):
        existing[unit.teryt] = unit
    Unit.objects.bulk_update(changed, ["name", "kind", "parent"], batch_size=1000)
    report.created[level.value] += len(new)
    report.updated += len(changed)
