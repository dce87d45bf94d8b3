"""The accounts catalogue: complete, not fuzzy, compiled, with every string of the accounts templates."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_translations import PLACEHOLDER, parse_po, plural_forms

APP = Path(settings.BASE_DIR) / "accounts"
PO_FILE = APP / "locale" / "pl" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [entry for entry in entries if entry["msgid"]]


def test_header_is_polish_with_four_plural_forms(entries):
    header = next(entry for entry in entries if entry["msgid"] == "")
    assert "Language: pl\n" in header["msgstr"][0]
    assert plural_forms(entries) == 4
    assert "fuzzy" not in header["flags"]


def test_every_message_is_translated_and_none_is_fuzzy(messages, entries):
    forms = plural_forms(entries)
    assert [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]] == []
    untranslated = [
        entry["msgid"]
        for entry in messages
        if not all(
            entry["msgstr"].get(index, "").strip() for index in range(forms if "msgid_plural" in entry else 1)
        )
    ]
    assert untranslated == []


def test_translations_keep_every_placeholder(messages):
    wrong = []
    for entry in messages:
        wanted = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        wanted |= set(re.findall(r"%\((\w+)\)s", entry["msgid"]))
        for text in entry["msgstr"].values():
            if set(PLACEHOLDER.findall(text)) | set(re.findall(r"%\((\w+)\)s", text)) != wanted:
                wrong.append(entry["msgid"])
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file(messages):
    with MO_FILE.open("rb") as mo:
        compiled = {key: value for key, value in gettext.GNUTranslations(mo)._catalog.items() if key != ""}
    expected = {}
    for entry in messages:
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                expected[(entry["msgid"], index)] = text
        else:
            expected[entry["msgid"]] = entry["msgstr"][0]
    assert compiled == expected


def test_strings_in_the_accounts_templates_are_in_the_catalogue(messages):
    known = {entry["msgid"] for entry in messages}
    used = set()
    for template in (APP / "templates").rglob("*.*"):
        text = template.read_text(encoding="utf-8")
        used.update(re.findall(r'{%\s*(?:translate|trans)\s+"([^"]+)"', text))
        used.update(re.findall(r"{%\s*(?:translate|trans)\s+'([^']+)'", text))
    assert used
    assert sorted(used - known) == []
