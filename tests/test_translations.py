"""Every Polish catalogue: complete, not fuzzy, compiled from the current .po (Polish is what people see).

The catalogues are the project's (`locale/`: templates/, config/, municipalities/) and one per app
(`<app>/locale/`). All of them are found on disk, so a new app's catalogue is checked as soon as it exists.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_LOCALE = BASE_DIR / "locale"


def locale_dirs() -> list[Path]:
    """The project's locale/ and every <app>/locale/ one level down (hidden directories skipped)."""
    dirs = [PROJECT_LOCALE] if PROJECT_LOCALE.is_dir() else []
    dirs += sorted(
        path
        for path in BASE_DIR.glob("*/locale")
        if path.is_dir() and not path.parent.name.startswith(".") and path.parent.name != "var"
    )
    return dirs


def catalogue_files() -> list[Path]:
    return sorted(po for directory in locale_dirs() for po in directory.glob("*/LC_MESSAGES/*.po"))


CATALOGUES = catalogue_files()


def label(po: Path) -> str:
    return str(po.relative_to(BASE_DIR))


def templates_of(po: Path) -> Path:
    """The templates a catalogue covers: the project's templates/ for locale/, <app>/templates/ for an app."""
    locale_dir = po.parents[2]
    return (BASE_DIR if locale_dir == PROJECT_LOCALE else locale_dir.parent) / "templates"


# %(name)s / %(name)d and bare %s / %d ("%%" is a literal percent sign and is removed first).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-+#0]*\d*(?:\.\d+)?[sdif]")


def placeholders(text: str) -> tuple[set[str], int]:
    """The named placeholders (as a set: a translation may use one twice) and the number of bare ones."""
    found = PLACEHOLDER.findall(text.replace("%%", ""))
    return {name for name in found if name}, sum(1 for name in found if not name)


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
                assert keyword not in entry or keyword.startswith("msgstr"), (
                    f"{path}: two entries run together (a blank line is missing before {quoted[:60]})"
                )
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


def message_key(entry: dict) -> str:
    return entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"


@pytest.fixture(scope="module", params=CATALOGUES, ids=label)
def po_file(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def entries(po_file) -> list[dict]:
    return parse_po(po_file)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [entry for entry in entries if entry["msgid"]]


def header_of(entries) -> dict:
    headers = [entry for entry in entries if entry["msgid"] == ""]
    assert len(headers) == 1, "the catalogue needs exactly one header entry, followed by a blank line"
    return headers[0]


def plural_forms(entries) -> int:
    return int(re.search(r"nplurals=(\d+)", header_of(entries)["msgstr"][0]).group(1))


def test_the_catalogues_are_found():
    """The search itself still works: the project's catalogue and the apps' ones, each in Polish."""
    found = {label(po) for po in CATALOGUES}
    assert "locale/pl/LC_MESSAGES/django.po" in found
    for app in ("accounts", "initiative", "legal_templates", "personal_data"):
        assert f"{app}/locale/pl/LC_MESSAGES/django.po" in found


@pytest.mark.parametrize("locale_dir", locale_dirs(), ids=lambda path: str(path.relative_to(BASE_DIR)))
def test_every_locale_directory_has_a_compiled_polish_catalogue(locale_dir):
    assert (locale_dir / "pl" / "LC_MESSAGES" / "django.po").is_file()
    assert (locale_dir / "pl" / "LC_MESSAGES" / "django.mo").is_file()


def test_catalogue_is_for_its_language_with_its_plural_forms(po_file, entries):
    header = header_of(entries)
    language = po_file.parents[1].name
    assert f"Language: {language}\n" in header["msgstr"][0]
    if language == "pl":
        assert plural_forms(entries) == 4  # 1 podpis, 2 podpisy, 5 podpisów, 1,5 podpisu
    assert "fuzzy" not in header["flags"]  # msgfmt would drop a fuzzy header and with it the plural rule


def test_catalogue_has_messages(po_file, messages):
    assert messages
    if po_file.parents[2] == PROJECT_LOCALE:
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
    """The same %(name)s placeholders, and as many bare %s / %d, as the English: else formatting fails."""
    wrong = []
    for entry in messages:
        named, bare = placeholders(entry["msgid"])
        if "msgid_plural" in entry:
            named_plural, bare_plural = placeholders(entry["msgid_plural"])
            named, bare = named | named_plural, max(bare, bare_plural)
        for text in entry["msgstr"].values():
            if placeholders(text) != (named, bare):
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file(po_file, messages):
    """The .mo is what Django reads: it must hold exactly the .po's translations (compiled after it)."""
    with po_file.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog

    expected = {}
    for entry in messages:
        key = message_key(entry)
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                expected[(key, index)] = text
        else:
            expected[key] = entry["msgstr"][0]
    compiled = {key: value for key, value in compiled.items() if key != ""}  # "" is the header

    assert compiled == expected


def test_strings_in_templates_are_in_the_catalogue(po_file, messages):
    """A {% translate "…" %} added without running makemessages would show English to Polish readers."""
    templates = templates_of(po_file)
    if not templates.is_dir():
        pytest.skip(f"{label(po_file)} covers no templates")
    known = {entry["msgid"] for entry in messages}
    used = set()
    for template in [*templates.rglob("*.html"), *templates.rglob("*.txt")]:
        text = template.read_text(encoding="utf-8")
        used.update(re.findall(r'{%\s*(?:translate|trans)\s+"([^"]+)"', text))
        used.update(re.findall(r"{%\s*(?:translate|trans)\s+'([^']+)'", text))
    if po_file.parents[2] == PROJECT_LOCALE:
        assert used  # the pattern still finds the tags
    assert sorted(used - known) == []


# Django merges every catalogue of a language into one: for a msgid in two catalogues only one translation
# is ever shown (the project's locale/ first, then the apps in INSTALLED_APPS order). Where the two need
# different Polish, the source has to tell them apart with a context (pgettext); until then they are
# listed here.
KNOWN_CONFLICTS = {
    # municipalities: the representative is "nieobowiązkowy"; accounts: a form field is "nieobowiązkowe"
    "optional",
}


def test_a_message_in_two_catalogues_is_translated_the_same_in_both():
    seen: dict[tuple, tuple[str, dict]] = {}
    conflicts = []
    for po in CATALOGUES:
        language = po.parents[1].name
        for entry in parse_po(po):
            if not entry["msgid"] or entry["msgid"] in KNOWN_CONFLICTS:
                continue
            key = (language, po.stem, message_key(entry))
            if key in seen and seen[key][1] != entry["msgstr"]:
                conflicts.append((entry["msgid"], seen[key][0], label(po)))
            seen.setdefault(key, (label(po), entry["msgstr"]))
    assert conflicts == []
