import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from legal_templates.fields import MAX_MONEY, clean_field_values, clean_justification, json_values

FIELDS = [
    {"name": "name", "label": "Nazwa", "type": "text", "required": True, "max_length": 20},
    {"name": "notes", "label": "Uwagi", "type": "long_text", "required": False},
    {"name": "day", "label": "Dzień", "type": "date", "required": False},
    {"name": "amount", "label": "Kwota", "type": "money", "required": False},
    {"name": "count", "label": "Liczba", "type": "integer", "required": False, "min": 1, "max": 50},
    {
        "name": "kind",
        "label": "Rodzaj",
        "type": "choice",
        "required": False,
        "choices": [{"value": "ulica", "label": "ulica"}, {"value": "plac", "label": "plac"}],
    },
    {"name": "council", "label": "Rada", "type": "council_name", "required": False},
]


def clean(**values):
    values.setdefault("name", "Ireny Sendlerowej")
    return clean_field_values(FIELDS, values)


def error(**values):
    return clean(**values)[1]


def test_good_values_are_cleaned_and_missing_optional_ones_are_none():
    cleaned, errors = clean(
        name="  Ireny   Sendlerowej ",
        notes="1) pierwszy\r\n2) drugi\n\n\n\nakapit",
        day="2026-03-31",
        amount="12 500,50",
        count="7",
        kind="plac",
    )
    assert errors == {}
    assert cleaned == {
        "name": "Ireny Sendlerowej",
        "notes": "1) pierwszy\n2) drugi\n\nakapit",
        "day": datetime.date(2026, 3, 31),
        "amount": Decimal("12500.50"),
        "count": 7,
        "kind": "plac",
    }
    assert clean(name="x")[0]["amount"] is None
    assert json_values(cleaned)["amount"] == "12500.50" and json_values(cleaned)["day"] == "2026-03-31"


def test_messages_are_polish():
    with translation.override("pl"):
        assert error(name="") == {"name": ["To pole jest wymagane."]}
        assert error(day="31.03.2026") == {"day": ["Podaj datę w formacie RRRR-MM-DD, np. 2026-03-31."]}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 21}, "name"),
        ({"name": 12}, "name"),
        ({"name": "dwie\nlinie"}, "name"),
        ({"name": "tab\tulator"}, "name"),
        ({"name": "zero\x00bajt"}, "name"),
        ({"name": "odwrócony \u202etekst"}, "name"),
        ({"notes": "dzwonek\x07"}, "notes"),
        ({"notes": "a\u2028b"}, "notes"),
        ({"day": "2026-02-30"}, "day"),
        ({"day": "2026-2-3"}, "day"),
        ({"day": 20260203}, "day"),
        ({"day": "2026-03-31T10:00"}, "day"),
        ({"amount": "-5"}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": 0.001}, "amount"),
        ({"amount": "1,234.56"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": float("inf")}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "1000000000000"}, "amount"),
        ({"count": "7.5"}, "count"),
        ({"count": 0}, "count"),
        ({"count": 51}, "count"),
        ({"count": True}, "count"),
        ({"kind": "rondo"}, "kind"),
        ({"kind": ["ulica"]}, "kind"),
        ({"colour": "red"}, "colour"),
        ({"council": "Rada Miasta Gdańska"}, "council"),
    ],
)
def test_bad_values_are_refused_field_by_field(values, field):
    assert list(error(**values)) == [field]


def test_values_must_be_an_object():
    cleaned, errors = clean_field_values(FIELDS, ["Ireny Sendlerowej"])
    assert cleaned == {} and list(errors) == ["non_field_errors"]


def test_the_justification_has_four_text_parts():
    parts, errors = clean_justification({"need": " Potrzeba. ", "effects": None})
    assert errors == {}
    assert parts == {"need": "Potrzeba.", "present_state": "", "effects": "", "funding": ""}
    assert set(clean_justification({"needs": "x", "funding": 5})[1]) == {"needs", "funding"}
    assert list(clean_justification("tekst")[1]) == ["non_field_errors"]


amounts = st.decimals(min_value=0, max_value=MAX_MONEY, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_any_amount_with_at_most_two_places_is_read_back_exactly(amount):
    for text in (str(amount), f"{amount:.2f}".replace(".", ","), f"{amount:,.2f}".replace(",", " ")):
        cleaned, errors = clean(amount=text)
        assert errors == {}, text
        assert cleaned["amount"] == amount
    assert clean(amount=float(amount) if amount < 10**9 else str(amount))[0]["amount"] == amount


@given(st.integers(min_value=0, max_value=10**9), st.from_regex(r"[0-9]{3,6}", fullmatch=True))
def test_amounts_with_more_than_two_decimal_places_are_refused(whole, fraction):
    assert list(error(amount=f"{whole}.{fraction}")) == ["amount"]
    assert list(error(amount=f"{whole},{fraction}")) == ["amount"]


@given(st.decimals(min_value="-1e12", max_value="-0.01", places=2))
def test_negative_amounts_are_refused(amount):
    assert list(error(amount=str(amount))) == ["amount"]
    assert list(error(amount=amount)) == ["amount"]


@given(st.dates())
def test_any_calendar_date_in_iso_form_is_read_back(day):
    cleaned, errors = clean(day=day.isoformat())
    if len(day.isoformat()) == 10:
        assert errors == {} and cleaned["day"] == day
    else:
        assert "day" in errors


@given(st.text(max_size=40), st.sampled_from(["name", "notes", "day", "amount", "count", "kind"]))
def test_any_text_is_cleaned_or_refused_never_crashes(text, field):
    cleaned, errors = clean(**{field: text})
    assert (field in errors) != (field in cleaned)
