"""The app's own Polish catalogue: complete, not fuzzy, and compiled from the current .po."""

import gettext
from pathlib import Path

import pytest

import legal_templates
from tests.test_translations import parse_po, plural_forms

LOCALE = Path(legal_templates.__file__).resolve().parent / "locale" / "pl" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def entries():
    return parse_po(LOCALE / "django.po")


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    forms = plural_forms(entries)
    assert forms == 4
    header = next(entry for entry in entries if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"] and "Language: pl\n" in header["msgstr"][0]
    for entry in entries:
        if not entry["msgid"]:
            continue
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        expected = forms if "msgid_plural" in entry else 1
        assert all(entry["msgstr"].get(index, "").strip() for index in range(expected)), entry["msgid"]


def test_the_compiled_catalogue_matches_the_po_file(entries):
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = {key: value for key, value in gettext.GNUTranslations(mo)._catalog.items() if key != ""}
    expected = {}
    for entry in entries:
        if not entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            expected.update({(entry["msgid"], index): text for index, text in entry["msgstr"].items()})
        else:
            expected[entry["msgid"]] = entry["msgstr"][0]
    assert compiled == expected
