"""The support list as CSV for the council office, and the clerk's verdicts read back from it
(docs/law.md §The council office).

Clerks check the list against the register of voters in their own tools: they export it, fill in the
verdicts in a spreadsheet and import the file again. One format serves both ways:
- UTF-8 with a byte order mark and `;` between cells, so that Excel with Polish settings opens it as columns;
  lines end in CRLF; cells are quoted only when needed.
- One header line of stable machine names, the API's field names, never translated (a file exported in one
  language imports in the other): `id;first_names;last_name;address;birth_date;citizenship;method;`
  `signed_on;sheet_number;verdict;reason`, with `pesel` in place of `birth_date` where the rules ask for it.
- `verdict` is `ważny` (valid), `nieważny` (invalid) or empty (not checked yet); `reason` is a code of
  InvalidReason (`not_in_register`, `not_resident`, `under_18`, `duplicate`, `incomplete`, `illegible`);
  `method` is the form's code; dates are YYYY-MM-DD; `sheet_number` is the paper sheet of a paper row.
- A cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is
  written with a leading apostrophe.
Import reads that file back, or a minimal one of `id;verdict;reason` lines (with or without that header);
`,` works as the delimiter too, the columns may be in any order under the header, and a file that Excel
saved in its Polish ANSI code page (windows-1250) is read as such. Verdicts may be written `valid` or
`invalid` too; an empty verdict leaves the row as it is. Every line is checked before anything is applied:
one wrong line and nothing changes, each problem reported with its line number.
"""

import csv
import io
import itertools
from collections.abc import Iterator

from django.utils.translation import gettext as _

from initiative.clerk.verification import (
    MAX_VERDICTS,
    VerdictEntry,
    VerdictsApplied,
    capped,
    identifier_of,
    problem_at,
    reason_problem,
    refuse_unless_under_verification,
    sheet_number,
    signatures_for_export,
    verdicts_apply,
)
from initiative.errors import InvalidInput
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from signatures.models import Signature, Verdict

IMPORT_MAX_BYTES = 40 * 1024 * 1024  # a full export of 100,000 rows is about 11 MiB

# The file's words for verdicts: fixed, not translations, so that files stay readable by programs.
VERDICT_WORDS = {Verdict.VALID: "ważny", Verdict.INVALID: "nieważny"}
VERDICTS_READ = {
    "ważny": Verdict.VALID,
    "wazny": Verdict.VALID,
    "valid": Verdict.VALID,
    "nieważny": Verdict.INVALID,
    "niewazny": Verdict.INVALID,
    "invalid": Verdict.INVALID,
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_header(initiative: Initiative) -> list[str]:
    return [
        "id",
        "first_names",
        "last_name",
        "address",
        identifier_of(initiative),
        "citizenship",
        "method",
        "signed_on",
        "sheet_number",
        "verdict",
        "reason",
    ]


def cell_safe(value: str) -> str:
    """A cell a spreadsheet shows as text and never runs as a formula (OWASP "CSV injection"): the checks
    on input refuse most such values, but an address may well start with a dash."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Line:
    """csv.writer's target that hands back what was written, so that each row becomes one streamed line."""

    def write(self, text: str) -> str:
        return text


def signatures_csv(initiative: Initiative, user) -> Iterator[str]:
    """The support list as CSV lines (the format above), read and decrypted in chunks as they stream.

    signatures_for_export records the export in the access log as soon as this is called, before the first
    line goes out. The caller checks that `user` may see the initiative
    (initiative.selectors.initiative_for_clerk).
    """
    return _lines(initiative, signatures_for_export(initiative, reader=user))


def _lines(initiative: Initiative, rows: Iterator[Signature]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    identifier = identifier_of(initiative)
    yield "\ufeff" + writer.writerow(csv_header(initiative))
    for signature in rows:
        sheet = sheet_number(signature)
        yield writer.writerow(
            [
                signature.pk,
                cell_safe(signature.first_names),
                cell_safe(signature.last_name),
                cell_safe(signature.address),
                cell_safe(getattr(signature, identifier) or ""),
                cell_safe(signature.citizenship),
                signature.method,
                signature.signed_on.isoformat(),
                "" if sheet is None else sheet,
                VERDICT_WORDS.get(signature.verdict, ""),
                signature.verdict_reason,
            ]
        )


def _decode(file_bytes: bytes) -> str:
    try:
        return file_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # what Excel in Polish Windows writes as plain "CSV": the ANSI code page
        return file_bytes.decode("cp1250")
    except UnicodeDecodeError:
        raise InvalidInput(
            {"file": [_("The file is not text in UTF-8: save it from the spreadsheet as “CSV UTF-8”.")]}
        ) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, trimmed cells) of each non-empty record, read lazily; the delimiter is the first
    line's."""
    first_line = text.split("\n", 1)[0]
    delimiter = "," if "," in first_line and ";" not in first_line else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error:
        raise InvalidInput(
            {"file": [_("Line %(line)d cannot be read as CSV.") % {"line": reader.line_num}]}
        ) from None


def _columns(first: list[str]) -> tuple[dict[str, int], bool]:
    """Where id, verdict and reason are, and whether the first record is a header (else it is data)."""
    names = [cell.lstrip("\ufeff").strip().lower() for cell in first]
    if "id" in names:
        if "verdict" not in names:
            raise InvalidInput(
                {"file": [_("Line 1: the header has no “verdict” column; keep the header as exported.")]}
            )
        return {name: names.index(name) for name in ("id", "verdict", "reason") if name in names}, True
    if names[0].isdigit():
        return {"id": 0, "verdict": 1, "reason": 2}, False
    raise InvalidInput(
        {
            "file": [
                _(
                    "Line 1: expected the header line of the exported file (id;…;verdict;reason) or a line "
                    "id;verdict;reason."
                )
            ]
        }
    )


def _entry(where: str, raw_id: str, raw_verdict: str, reason: str) -> tuple[VerdictEntry | None, str | None]:
    if not raw_id.isdigit():
        return None, problem_at(where, _("“%(value)s” is not a signature's id.") % {"value": raw_id[:40]})
    if not raw_verdict:
        if reason:
            return None, problem_at(where, _("a reason is given but no verdict."))
        # Left as it is; the id is still checked against the support list with the others.
        return VerdictEntry(int(raw_id), "", "", where), None
    verdict = VERDICTS_READ.get(raw_verdict.casefold())
    if verdict is None:
        unknown = _(
            "unknown verdict “%(value)s”; write ważny or nieważny (valid or invalid), or leave it empty to "
            "keep the row as it is."
        )
        return None, problem_at(where, unknown % {"value": raw_verdict[:40]})
    if problem := reason_problem(verdict == Verdict.VALID, reason):
        return None, problem_at(where, problem)
    return VerdictEntry(int(raw_id), verdict, reason, where), None


def verdict_entries_from_csv(file_bytes: bytes) -> list[VerdictEntry]:
    """The file's lines as verdict entries, every line checked; InvalidInput {"file": [...]} if any is
    wrong (the checks against the database follow in verdicts_apply)."""
    if len(file_bytes) > IMPORT_MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(size)d MiB.") % {"size": IMPORT_MAX_BYTES // 2**20}]}
        )
    records = _records(_decode(file_bytes))
    first = next(records, None)
    if first is None:
        raise InvalidInput({"file": [_("The file is empty.")]})
    columns, has_header = _columns(first[1])

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    entries, problems = [], []
    line_label = _("line %(line)d")
    # Only the three cells that matter are kept, so a full export read back stays small in memory.
    for line, cells in records if has_header else itertools.chain([first], records):
        if len(entries) + len(problems) >= MAX_VERDICTS:
            too_many = _("At most %(max)d lines can be imported.") % {"max": MAX_VERDICTS}
            raise InvalidInput({"file": [too_many]})
        where, reason = line_label % {"line": line}, cell(cells, "reason").casefold()
        entry, problem = _entry(where, cell(cells, "id"), cell(cells, "verdict"), reason)
        if problem:
            problems.append(problem)
        else:
            entries.append(entry)
    if problems:
        raise InvalidInput({"file": capped(problems)})
    if not entries:
        raise InvalidInput({"file": [_("The file has a header but no rows.")]})
    return entries


def verdicts_import(*, initiative_id: int, clerk, file_bytes: bytes) -> VerdictsApplied:
    """Verdicts from a CSV file, applied like verdicts_set: all or nothing, in one transaction.

    Access (404) and state (409) are checked before the file is read, so that nobody but the council's
    clerks learns anything from a file's problems; the file is parsed before the initiative's lock is
    taken, which is then held only for the checks against the rows and the write.
    """
    refuse_unless_under_verification(initiative_for_clerk(initiative_id, clerk).status)
    entries = verdict_entries_from_csv(file_bytes)
    return verdicts_apply(
        initiative_id=initiative_id, clerk=clerk, entries=entries, problems=[], field="file"
    )
