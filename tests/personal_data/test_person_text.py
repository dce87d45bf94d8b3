"""The rules of names and addresses (personal_data.person_text), as properties over any text."""

import unicodedata

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from personal_data.person_text import ADDRESS_MAX, NAME_MAX, address_clean, person_name_clean

REFUSED = ("Cc", "Cf", "Co", "Cs", "Cn")
INVISIBLE = "Remove the invisible or control characters"
CLEANERS = (person_name_clean, address_clean)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refused_character() -> st.SearchStrategy[str]:
    return st.characters(categories=REFUSED)


@pytest.mark.parametrize("clean", CLEANERS)
@given(before=st.text(max_size=20), bad=refused_character(), after=st.text(max_size=20))
def test_a_control_format_private_surrogate_or_unassigned_character_anywhere_is_refused(
    clean, before, bad, after
):
    _text, problem = clean(before + bad + after)
    assert problem is not None and problem.startswith(INVISIBLE)


@pytest.mark.parametrize(
    "text",
    [
        "Jan\u202e ikswolwoK",  # RIGHT-TO-LEFT OVERRIDE
        "\u2067Kowalski\u2069",  # RIGHT-TO-LEFT ISOLATE … POP DIRECTIONAL ISOLATE
        "Jan\u200eKowalski",  # LEFT-TO-RIGHT MARK
        "Ko\u200bwalski",  # ZERO WIDTH SPACE
        "Ko\u200dwalski",  # ZERO WIDTH JOINER
        "Ko\u2060walski",  # WORD JOINER
        "\ufeffKowalski",  # ZERO WIDTH NO-BREAK SPACE (byte order mark)
        "Ko\u00adwalski",  # SOFT HYPHEN
        "Kowalski\U000e0041",  # TAG LATIN CAPITAL LETTER A
        "Kowalski\x00",
        "Jan\tKowalski",
        "Jan\nKowalski",
        "Kowalski\ue000",  # private use
        "Kowalski\u0378",  # unassigned
    ],
)
def test_the_characters_seen_in_the_wild_are_refused(text):
    for clean in CLEANERS:
        assert clean(text)[1].startswith(INVISIBLE)


@pytest.mark.parametrize("clean", CLEANERS)
@given(raw=st.text(alphabet=st.characters(exclude_categories=REFUSED), max_size=60))
def test_what_is_kept_is_nfc_with_single_spaces_and_cleaning_it_again_changes_nothing(clean, raw):
    text, problem = clean(raw)
    if problem is not None:
        return
    assert text == unicodedata.normalize("NFC", text)
    assert text == text.strip() and "  " not in text
    assert all(char == " " or not char.isspace() for char in text)
    assert not any(unicodedata.category(char) in REFUSED for char in text)
    assert clean(text) == (text, None)


LETTERS = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=12)


@given(parts=st.lists(LETTERS, min_size=1, max_size=4), separator=st.sampled_from([" ", "-", "'", " - "]))
def test_names_of_letters_of_any_alphabet_are_kept(parts, separator):
    raw = separator.join(parts)
    text, problem = person_name_clean(raw, maximum=1000)
    assert problem is None
    assert text == " ".join(unicodedata.normalize("NFC", raw).split())


def test_a_letter_and_its_combining_accent_become_one_letter():
    decomposed = "Z\u0307o\u0301\u0142w"  # Ż ó as a letter followed by a combining mark
    assert person_name_clean(decomposed) == ("Żółw", None)
    assert address_clean("ul.\u00a0Zwycie\u0328stwa   1,\u300044-100 Gliwice") == (
        "ul. Zwycięstwa 1, 44-100 Gliwice",
        None,
    )


@pytest.mark.parametrize(
    ("clean", "text", "reason"),
    [
        (person_name_clean, "", "required"),
        (person_name_clean, "   ", "required"),
        (person_name_clean, None, "Enter text"),
        (person_name_clean, "Jan 3", "letters only"),
        (person_name_clean, "x" * (NAME_MAX + 1), "At most 100"),
        (address_clean, "x" * (ADDRESS_MAX + 1), "At most 200"),
        (address_clean, "=HYPERLINK(1)", "Remove the characters"),
        (address_clean, "ul. <b>Polna</b>", "Remove the characters"),
    ],
)
def test_other_refusals_say_why(clean, text, reason):
    assert reason in clean(text)[1]


def test_the_reason_reads_in_polish():
    with translation.override("pl"):
        assert address_clean("Gliwice\u200b")[1].startswith("Usuń niewidoczne znaki")
