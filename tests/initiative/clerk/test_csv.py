"""The support list as CSV and the verdicts read back from it: the round trip, all-or-nothing, encodings."""

import csv
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiative.clerk.verification import verdicts_set, verification_counts
from initiative.clerk.verification_csv import (
    IMPORT_MAX_BYTES,
    cell_safe,
    signatures_csv,
    verdict_entries_from_csv,
    verdicts_import,
)
from initiative.errors import InvalidInput
from personal_data.models import PersonalDataAccess
from signatures.models import Signature
from tests.initiative.conftest import paper_supporter
from tests.signatures.conftest import valid_pesel

HEADER = (
    "id;first_names;last_name;address;birth_date;citizenship;method;signed_on;sheet_number;verdict;reason"
)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def ids_of(initiative) -> list[int]:
    return list(Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True))


def exported(initiative, clerk) -> str:
    return "".join(signatures_csv(initiative, clerk))


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def to_file(
    rows: list[list[str]], *, delimiter: str = ";", bom: bool = True, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


def stored(initiative) -> list[tuple[str, str]]:
    return list(
        Signature.objects.filter(initiative=initiative)
        .order_by("pk")
        .values_list("verdict", "verdict_reason")
    )


def problems_of(call) -> list[str]:
    with pytest.raises(InvalidInput) as refusal:
        call()
    assert list(refusal.value.errors) == ["file"]
    return refusal.value.errors["file"]


def test_the_export_is_utf8_with_bom_semicolons_and_one_machine_header(
    verifying_initiative, clerk_of_gliwice
):
    text = exported(verifying_initiative, clerk_of_gliwice)

    assert text.startswith("\ufeff" + HEADER + "\r\n")
    rows = table(text)
    assert len(rows) == 7
    ids = ids_of(verifying_initiative)
    for number, (row, signature_id) in enumerate(zip(rows[1:], ids, strict=True), start=1):
        person = paper_supporter(number)
        assert row == [
            str(signature_id),
            person["first_names"],
            person["last_name"],
            person["address"],
            person["birth_date"],
            "PL",
            "paper",
            row[7],
            str(1 + number // 10),
            "",
            "",
        ]
    assert "Źdźbło" in text  # Polish letters as they are, in UTF-8
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbfid;")


def test_the_export_says_the_verdicts_in_polish_words_and_reason_codes(
    verifying_initiative, clerk_of_gliwice
):
    ids = ids_of(verifying_initiative)
    verdicts_set(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        verdicts=[
            {"signature": ids[0], "valid": True},
            {"signature": ids[1], "valid": False, "reason": "duplicate"},
        ],
    )

    rows = table(exported(verifying_initiative, clerk_of_gliwice))

    assert [row[-2:] for row in rows[1:4]] == [["ważny", ""], ["nieważny", "duplicate"], ["", ""]]


def test_the_export_has_the_pesel_column_where_the_rules_ask_for_it(pesel_initiative, clerk_of_gliwice):
    rows = table(exported(pesel_initiative, clerk_of_gliwice))

    assert rows[0][4] == "pesel"
    assert [row[4] for row in rows[1:]] == [valid_pesel(number) for number in (1, 2, 3)]


def test_the_export_is_logged_once_with_its_rows(verifying_initiative, clerk_of_gliwice):
    lines = signatures_csv(verifying_initiative, clerk_of_gliwice)

    access = PersonalDataAccess.objects.get()  # logged before the first line is read
    assert (access.user, access.what, access.records) == (clerk_of_gliwice, "csv_export", 6)
    assert len(list(lines)) == 7


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+48 123", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(
    verifying_initiative, clerk_of_gliwice, value
):
    first = ids_of(verifying_initiative)[0]
    Signature.objects.filter(pk=first).update(address=value)  # the checks on input refuse most of these

    row = table(exported(verifying_initiative, clerk_of_gliwice))[1]

    assert row[3] == "'" + value


@given(st.text(max_size=30))
def test_no_cell_starts_like_a_formula(value):
    safe = cell_safe(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe.removeprefix("'") == value or safe == value


def test_round_trip_export_edit_import(verifying_initiative, clerk_of_gliwice):
    rows = table(exported(verifying_initiative, clerk_of_gliwice))
    # The clerk fills in the verdict column as a spreadsheet would leave it: some rows, either spelling.
    rows[1][9:11] = ["ważny", ""]
    rows[2][9:11] = ["Ważny", ""]
    rows[3][9:11] = ["nieważny", "not_in_register"]
    rows[4][9:11] = ["valid", ""]
    rows[5][9:11] = ["INVALID", "Under_18"]
    # rows[6] left empty: not checked yet

    applied = verdicts_import(
        initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=to_file(rows)
    )

    assert (applied.updated, applied.valid, applied.invalid, applied.unchecked) == (5, 3, 2, 1)
    assert stored(verifying_initiative) == [
        ("valid", ""),
        ("valid", ""),
        ("invalid", "not_in_register"),
        ("valid", ""),
        ("invalid", "under_18"),
        ("unchecked", ""),
    ]
    # Exported again, the file says what was imported, and importing it again changes nothing.
    again = exported(verifying_initiative, clerk_of_gliwice)
    assert [row[9:] for row in table(again)[1:]] == [
        ["ważny", ""],
        ["ważny", ""],
        ["nieważny", "not_in_register"],
        ["ważny", ""],
        ["nieważny", "under_18"],
        ["", ""],
    ]
    verdicts_import(initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=again.encode())
    assert verification_counts(verifying_initiative).valid == 3


def test_a_blank_verdict_leaves_an_earlier_verdict_as_it_is(verifying_initiative, clerk_of_gliwice):
    ids = ids_of(verifying_initiative)
    verdicts_set(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        verdicts=[{"signature": ids[0], "valid": False, "reason": "illegible"}],
    )

    applied = verdicts_import(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        file_bytes=f"id;verdict;reason\n{ids[0]};;\n{ids[1]};ważny;\n".encode(),
    )

    assert applied.updated == 1
    assert stored(verifying_initiative)[:2] == [("invalid", "illegible"), ("valid", "")]


def test_one_bad_line_applies_nothing_and_is_reported_by_its_number(verifying_initiative, clerk_of_gliwice):
    rows = table(exported(verifying_initiative, clerk_of_gliwice))
    for row in rows[1:]:
        row[9] = "ważny"
    rows[6][9:11] = ["nieważny", "xyz"]  # line 7 of the file

    problems = problems_of(
        lambda: verdicts_import(
            initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=to_file(rows)
        )
    )

    assert problems == [
        "line 7: unknown reason “xyz”; use one of not_in_register, not_resident, under_18, duplicate, "
        "incomplete, illegible, no_original."
    ]
    assert set(stored(verifying_initiative)) == {("unchecked", "")}


def test_every_problem_is_reported_with_its_line(verifying_initiative, clerk_of_gliwice):
    ids = ids_of(verifying_initiative)
    text = (
        "id;verdict;reason\n"
        f"{ids[0]};ważny;\n"
        f"{ids[1]};maybe;\n"
        f"{ids[2]};ważny;duplicate\n"
        "\n"  # empty lines are skipped, and counted
        f"{ids[3]};;illegible\n"
        f"abc;ważny;\n"
        f"{ids[4]};nieważny;\n"
    )

    problems = problems_of(
        lambda: verdicts_import(
            initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=text.encode()
        )
    )

    assert problems == [
        "line 3: unknown verdict “maybe”; write ważny or nieważny (valid or invalid), or leave it empty to "
        "keep the row as it is.",
        "line 4: a valid signature takes no reason; leave the reason empty.",
        "line 6: a reason is given but no verdict.",
        "line 7: “abc” is not a signature's id.",
        "line 8: give the reason why the signature is invalid (one of not_in_register, not_resident, "
        "under_18, duplicate, incomplete, illegible, no_original).",
    ]
    assert set(stored(verifying_initiative)) == {("unchecked", "")}


def test_rows_of_other_lists_and_repeated_rows_are_refused(
    verifying_initiative, other_verifying_initiative, clerk_of_gliwice
):
    mine, other = verifying_initiative, other_verifying_initiative
    ids, foreign = ids_of(mine), ids_of(other)[0]
    text = f"id;verdict;reason\n{ids[0]};ważny;\n{foreign};ważny;\n{ids[0]};nieważny;duplicate\n"

    problems = problems_of(
        lambda: verdicts_import(initiative_id=mine.pk, clerk=clerk_of_gliwice, file_bytes=text.encode())
    )

    assert problems == [
        f"line 4: signature {ids[0]} is already given in line 2.",
        f"line 3: signature {foreign} is not on this initiative's support list.",
    ]
    assert set(stored(mine)) == {("unchecked", "")}


@pytest.mark.parametrize(
    "text",
    [
        "{a},ważny,\r\n{b},nieważny,incomplete\r\n",  # commas, no header
        "{a};ważny;\n{b};nieważny;incomplete\n",  # semicolons, no header, LF only
        "ID,Verdict,Reason\n{a},valid,\n{b},invalid,incomplete\n",  # a header in any case
        "reason;verdict;id;note\n;ważny;{a};ok\nincomplete;nieważny;{b};\n",  # columns in any order
        "\ufeffid;verdict\n{a};ważny\n",  # BOM, and no reason column when none is needed
    ],
)
def test_minimal_files_and_delimiters(verifying_initiative, clerk_of_gliwice, text):
    a, b = ids_of(verifying_initiative)[:2]

    verdicts_import(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        file_bytes=text.format(a=a, b=b).encode(),
    )

    expected = [("valid", "")] + ([("invalid", "incomplete")] if "{b}" in text else [("unchecked", "")])
    assert stored(verifying_initiative)[:2] == expected


def test_a_file_saved_by_excel_in_windows_1250_is_read(verifying_initiative, clerk_of_gliwice):
    a, b = ids_of(verifying_initiative)[:2]
    content = f"id;verdict;reason\r\n{a};ważny;\r\n{b};nieważny;duplicate\r\n".encode("cp1250")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    verdicts_import(initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=content)

    assert stored(verifying_initiative)[:2] == [("valid", ""), ("invalid", "duplicate")]


def test_line_numbers_count_the_lines_of_a_quoted_cell(verifying_initiative, clerk_of_gliwice):
    a, b = ids_of(verifying_initiative)[:2]
    text = f'id;address;verdict;reason\n{a};"ul. Długa 1\n44-100 Gliwice";ważny;\n{b};x;ważny;nope\n'

    problems = problems_of(
        lambda: verdicts_import(
            initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=text.encode()
        )
    )

    assert problems == ["line 4: a valid signature takes no reason; leave the reason empty."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"id;verdict;reason\r\n", "The file has a header but no rows."),
        (b"id;first_names;reason\n1;Anna;\n", "Line 1: the header has no “verdict” column"),
        (b"imie;nazwisko\nAnna;Nowak\n", "Line 1: expected the header line of the exported file"),
        (b"\x00\x01\x02\x81\x83\x88\x90\x98", "The file is not text in UTF-8"),
        (b"id;verdict\n1;" + b"x" * 200_000, "Line 2 cannot be read as CSV."),  # a cell past csv's limit
    ],
)
def test_files_that_are_not_a_verdict_list_are_refused_clearly(content, message):
    (problem,) = problems_of(lambda: verdict_entries_from_csv(content))
    assert message in problem


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    (problem,) = problems_of(lambda: verdict_entries_from_csv(b"1;valid;\n" * (IMPORT_MAX_BYTES // 9 + 1)))
    assert problem == "The file is larger than 40 MiB."


def test_many_problems_are_capped(verifying_initiative, clerk_of_gliwice):
    text = "id;verdict;reason\n" + "".join(f"{n};perhaps;\n" for n in range(1, 151))

    problems = problems_of(
        lambda: verdicts_import(
            initiative_id=verifying_initiative.pk, clerk=clerk_of_gliwice, file_bytes=text.encode()
        )
    )

    assert len(problems) == 101
    assert problems[0].startswith("line 2: unknown verdict")
    assert problems[-1] == "… and more problems not shown: 50."


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_bytes_give_entries_or_a_clear_refusal_never_a_crash(content):
    try:
        entries = verdict_entries_from_csv(content)
    except InvalidInput as refusal:
        assert refusal.errors["file"]
        assert all(isinstance(problem, str) and problem for problem in refusal.errors["file"])
    else:
        assert entries
        assert all(entry.verdict in {"", "valid", "invalid"} for entry in entries)
