"""Matching a certificate's name to a declared one (personal_data.person_text.same_person_named): case and
diacritics folded, a second given name may be left out on either side, the surname whole."""

import pytest

from personal_data.person_text import name_words, same_person_named


def test_words_are_folded():
    assert name_words("Łucja ŹDŹBŁO-Nowak") == ["lucja", "zdzblo", "nowak"]
    assert name_words("  Jan   O'Hara ") == ["jan", "o", "hara"]


@pytest.mark.parametrize(
    ("declared", "given", "surname", "same"),
    [
        ("Jan Kowalski", "JAN", "KOWALSKI", True),
        ("Jan Maria Kowalski", "Jan", "Kowalski", True),  # the certificate leaves out the second name
        ("Jan Kowalski", "Jan Maria", "Kowalski", True),  # the declaration does
        ("Łucja Źdźbło-Nowak", "Lucja", "Zdzblo-Nowak", True),
        ("Łucja Źdźbło", "Lucja", "Zdzblo-Nowak", False),  # a surname is whole
        ("Anna Kowalska", "Jan", "Kowalski", False),
        ("Jan Kowalski", "", "Kowalski", False),
        ("Jan Kowalski", "Jan", "", False),
    ],
)
def test_same_person_named(declared, given, surname, same):
    assert same_person_named(declared, given, surname) is same
