"""The values a committee types into a template's fields, and the justification: checks and parsing.

`clean_values` turns what arrived (JSON strings and numbers) into Python values (str, date, Decimal, int)
and reports every problem per field, in the reader's language. It accepts its own output, so values stored
as received can be cleaned again when a draft is rendered later.
"""

import datetime
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Typed by the committee.
TEXT, LONG_TEXT, DATE, MONEY, INTEGER, CHOICE = "text", "long_text", "date", "money", "integer", "choice"
TYPED_FIELD_TYPES = (TEXT, LONG_TEXT, DATE, MONEY, INTEGER, CHOICE)
# Filled from the council's unit, never typed: its council's name, its name, its executive.
COUNCIL_NAME, UNIT_NAME, EXECUTIVE_BODY = "council_name", "unit_name", "executive_body"
UNIT_FIELD_TYPES = (COUNCIL_NAME, UNIT_NAME, EXECUTIVE_BODY)
FIELD_TYPES = TYPED_FIELD_TYPES + UNIT_FIELD_TYPES

JUSTIFICATION_PARTS = ("need", "present_state", "effects", "funding")
NON_FIELD_ERRORS = "non_field_errors"

DEFAULT_MAX_LENGTH = {TEXT: 300, LONG_TEXT: 10_000}
JUSTIFICATION_MAX_LENGTH = 20_000
MAX_MONEY = Decimal("999999999999.99")
MAX_INTEGER = 1_000_000_000
GROSZ = Decimal("0.01")

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Złoty with an optional fraction; digits may be grouped by spaces in threes ("12 500,50"); "." or "," before
# the fraction, as people write both.
AMOUNT = re.compile(r"(?P<whole>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,](?P<fraction>[0-9]+))?")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# Characters that change how text is shown without being visible: bidirectional overrides and isolates
# (they can make a line read differently from what is stored) and the Unicode line and paragraph separators.
INVISIBLE_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


class _Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_values(version, values: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check `values` against the version's fields: (cleaned values, errors by field name).

    Every typed field appears in the cleaned values (None when optional and not given). Names the template
    does not have, and values for fields that come from the council's data, are refused.
    """
    return clean_field_values(version.fields, values)


def clean_field_values(
    fields: Sequence[Mapping[str, Any]], values: Any
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    if not isinstance(values, Mapping):
        return {}, {NON_FIELD_ERRORS: [_("Give the fields as an object of field names and values.")]}
    declared = {field["name"]: field for field in fields}
    errors: dict[str, list[str]] = {}
    for name in values:
        field = declared.get(name)
        if field is None:
            errors[str(name)] = [_("This template has no such field.")]
        elif field["type"] in UNIT_FIELD_TYPES:
            errors[name] = [_("This value comes from the council's data and cannot be typed.")]

    cleaned: dict[str, Any] = {}
    for field in fields:
        name, field_type = field["name"], field["type"]
        if field_type in UNIT_FIELD_TYPES or name in errors:
            continue
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.get("required"):
                errors[name] = [_("This field is required.")]
            else:
                cleaned[name] = None
            continue
        try:
            cleaned[name] = _CLEANERS[field_type](raw, field)
        except _Invalid as invalid:
            errors[name] = [invalid.message]
    return cleaned, errors


def clean_justification(justification: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The four parts of a justification as text ("" when not given); whether each says enough is the formal
    check's business, so that a committee sees its draft while writing it."""
    if justification is None:
        justification = {}
    if not isinstance(justification, Mapping):
        return {}, {NON_FIELD_ERRORS: [_("Give the justification as an object with its parts.")]}
    errors: dict[str, list[str]] = {}
    for name in justification:
        if name not in JUSTIFICATION_PARTS:
            errors[str(name)] = [_("A justification has no such part.")]
    cleaned: dict[str, str] = {}
    for part in JUSTIFICATION_PARTS:
        raw = justification.get(part)
        if raw is None:
            cleaned[part] = ""
            continue
        try:
            cleaned[part] = _clean_long_text(raw, {"max_length": JUSTIFICATION_MAX_LENGTH})
        except _Invalid as invalid:
            errors[part] = [invalid.message]
    return cleaned, errors


def json_values(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values in a form that JSON keeps exactly (dates as YYYY-MM-DD, amounts as strings)."""
    result: dict[str, Any] = {}
    for name, value in cleaned.items():
        if isinstance(value, datetime.date):
            result[name] = value.isoformat()
        elif isinstance(value, Decimal):
            result[name] = f"{value:.2f}"
        else:
            result[name] = value
    return result


def _refuse_control_characters(text: str, *, allow_newlines: bool) -> None:
    for character in text:
        if character == "\n" and allow_newlines:
            continue
        if unicodedata.category(character) in ("Cc", "Cs") or character in INVISIBLE_CONTROLS:
            raise _Invalid(_("Remove control characters (such as tabs or invisible formatting marks)."))


def _check_length(text: str, field: Mapping[str, Any], default: int) -> str:
    limit = field.get("max_length") or default
    if len(text) > limit:
        raise _Invalid(
            ngettext(
                "Use at most %(limit)d character.",
                "Use at most %(limit)d characters.",
                limit,
            )
            % {"limit": limit}
        )
    return text


def _require_text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise _Invalid(_("Enter text."))
    return unicodedata.normalize("NFC", raw)


def _clean_text(raw: Any, field: Mapping[str, Any]) -> str:
    text = _require_text(raw)
    if "\n" in text or "\r" in text:
        raise _Invalid(_("Write this on one line."))
    _refuse_control_characters(text, allow_newlines=False)
    return _check_length(" ".join(text.split()), field, DEFAULT_MAX_LENGTH[TEXT])


def _clean_long_text(raw: Any, field: Mapping[str, Any]) -> str:
    text = _require_text(raw).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_control_characters(text, allow_newlines=True)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    # A blank line separates paragraphs; more than one says nothing more.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _check_length(text, field, DEFAULT_MAX_LENGTH[LONG_TEXT])


def _clean_date(raw: Any, field: Mapping[str, Any]) -> datetime.date:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw.strip()):
        raise _Invalid(_("Enter a date as YYYY-MM-DD, e.g. 2026-03-31."))
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise _Invalid(_("There is no such date in the calendar.")) from None


def _clean_money(raw: Any, field: Mapping[str, Any]) -> Decimal:
    not_an_amount = _("Enter an amount in złoty, e.g. 1250.50.")
    if isinstance(raw, bool):
        raise _Invalid(not_an_amount)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float | Decimal):
        # A float from JSON is read through its shortest repr: 0.1 stays 0.1, not 0.1000000000000000055….
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else raw
        except InvalidOperation:
            raise _Invalid(not_an_amount) from None
        if not value.is_finite():
            raise _Invalid(not_an_amount)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", " ")
        match = AMOUNT.fullmatch(text.removeprefix("-").strip())
        if match is None:
            raise _Invalid(not_an_amount)
        if text.startswith("-"):
            raise _Invalid(_("The amount cannot be negative."))
        fraction = match.group("fraction") or ""
        if len(fraction) > 2:
            raise _Invalid(_("Use at most two decimal places (grosze)."))
        value = Decimal(f"{match.group('whole').replace(' ', '')}.{fraction or '0'}")
    else:
        raise _Invalid(not_an_amount)
    if value < 0:
        raise _Invalid(_("The amount cannot be negative."))
    if value > MAX_MONEY:
        raise _Invalid(_("The amount is too large."))
    if value != value.quantize(GROSZ, rounding=ROUND_DOWN):
        raise _Invalid(_("Use at most two decimal places (grosze)."))
    return value.quantize(GROSZ)


def _clean_integer(raw: Any, field: Mapping[str, Any]) -> int:
    if isinstance(raw, bool):
        raise _Invalid(_("Enter a whole number."))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and WHOLE_NUMBER.fullmatch(raw.strip()) and len(raw.strip()) <= 12:
        raw = int(raw.strip())
    if not isinstance(raw, int):
        raise _Invalid(_("Enter a whole number."))
    lowest = field.get("min", -MAX_INTEGER)
    highest = field.get("max", MAX_INTEGER)
    if raw < lowest:
        raise _Invalid(_("Enter a number no smaller than %(limit)s.") % {"limit": lowest})
    if raw > highest:
        raise _Invalid(_("Enter a number no greater than %(limit)s.") % {"limit": highest})
    return raw


def _clean_choice(raw: Any, field: Mapping[str, Any]) -> str:
    allowed = [choice["value"] for choice in field.get("choices", [])]
    if not isinstance(raw, str) or raw not in allowed:
        raise _Invalid(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(f"“{value}”" for value in allowed)}
        )
    return raw


_CLEANERS = {
    TEXT: _clean_text,
    LONG_TEXT: _clean_long_text,
    DATE: _clean_date,
    MONEY: _clean_money,
    INTEGER: _clean_integer,
    CHOICE: _clean_choice,
}
