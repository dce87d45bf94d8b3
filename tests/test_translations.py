"""The Polish catalogue: complete, not fuzzy, compiled from the current .po (Polish is what people see)."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES"
PO_FILE = LOCALE / "django.po"
MO_FILE = LOCALE / "django.mo"
TEMPLATES = Path(settings.BASE_DIR) / "templates"

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def parse_po(path: Path) -> list[dict]:
    """Entries of a PO file: flags, msgctxt, msgid, msgid_plural, msgstr (a dict of form index -> text).

    Obsolete entries (#~) are skipped. Enough of the format for a catalogue that makemessages wrote.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        entry: dict = {"flags": set(), "msgstr": {}}
        field = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                append_to(entry, field, ast.literal_eval(line))
            else:
                keyword, _, quoted = line.partition(" ")
                field = keyword
                append_to(entry, field, ast.literal_eval(quoted), start=True)
        entries.append(entry)
    return entries


def append_to(entry: dict, field: str | None, text: str, start: bool = False) -> None:
    match = re.fullmatch(r"msgstr\[(\d+)\]", field or "")
    if field == "msgstr" or match:
        index = int(match.group(1)) if match else 0
        entry["msgstr"][index] = ("" if start else entry["msgstr"][index]) + text
    else:
        entry[field] = ("" if start else entry[field]) + text


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [entry for entry in entries if entry["msgid"]]


def plural_forms(entries) -> int:
    header = next(entry for entry in entries if entry["msgid"] == "")
    return int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))


def test_catalogue_is_for_polish_with_polish_plural_forms(entries):
    header = next(entry for entry in entries if entry["msgid"] == "")
    assert "Language: pl\n" in header["msgstr"][0]
    assert plural_forms(entries) == 4  # 1 podpis, 2 podpisy, 5 podpisów, 1,5 podpisu
    assert "fuzzy" not in header["flags"]  # msgfmt would drop a fuzzy header and with it the plural rule


def test_catalogue_has_messages(messages):
    assert len(messages) > 50


def test_no_message_is_fuzzy(messages):
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    assert fuzzy == []


def test_every_message_is_translated(messages, entries):
    forms = plural_forms(entries)
    untranslated = []
    for entry in messages:
        expected = forms if "msgid_plural" in entry else 1
        texts = [entry["msgstr"].get(index, "") for index in range(expected)]
        if not all(text.strip() for text in texts):
            untranslated.append(entry["msgid"])
    assert untranslated == []


def test_translations_keep_every_placeholder(messages):
    wrong = []
    for entry in messages:
        wanted = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file(messages):
    """The .mo is what Django reads: it must hold exactly the .po's translations (compiled after it)."""
    with MO_FILE.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    expected = {}
    for entry in messages:
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                expected[(key, index)] = text
        else:
            expected[key] = entry["msgstr"][0]
    compiled = {key: value for key, value in compiled.items() if key != ""}  # "" is the header

    assert compiled == expected


def test_strings_in_templates_are_in_the_catalogue(messages):
    """A {% translate "…" %} added without running makemessages would show English to Polish readers."""
    known = {entry["msgid"] for entry in messages}
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used.update(re.findall(r'{%\s*(?:translate|trans)\s+"([^"]+)"', template.read_text(encoding="utf-8")))
        used.update(re.findall(r"{%\s*(?:translate|trans)\s+'([^']+)'", template.read_text(encoding="utf-8")))
    assert used  # the pattern still finds the tags
    assert sorted(used - known) == []
