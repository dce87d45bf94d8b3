"""documents.bounded_reader: the budget, Flate step by Flate step, JSON bounded before parsing. No database.

Property tests (hypothesis): whatever fits the bounds reads exactly as zlib and json read it; the bounds
themselves are exact.
"""

import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.bounded_reader import (
    DecodeBudget,
    DecodeRefused,
    decoded_chunks,
    decoded_whole,
    read_json,
    upload_budget,
)
from tests.bombs import MiB, deflated_zeros

FLATE = "/FlateDecode"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200_000), st.integers(min_value=1, max_value=2))
def test_flate_reads_as_zlib_does(data, steps):
    raw = data
    for _ in range(steps):
        raw = zlib.compress(raw)
    budget = DecodeBudget(total=10 * MiB)
    assert b"".join(decoded_chunks(raw, [FLATE] * steps, budget=budget)) == data
    assert budget.used >= len(data)  # every step counts


def test_each_step_stops_at_the_budget_having_decoded_no_more():
    budget = DecodeBudget(total=3 * MiB)
    with pytest.raises(DecodeRefused) as refused:
        for _chunk in decoded_chunks(zlib.compress(deflated_zeros(1024)), [FLATE, FLATE], budget=budget):
            pass
    assert refused.value.reason == "over_budget"
    assert budget.used <= 3 * MiB


def test_a_whole_read_is_held_within_its_limit_and_the_budget():
    data = zlib.compress(b"x" * (2 * MiB))
    with pytest.raises(DecodeRefused):
        decoded_whole(data, [FLATE], budget=DecodeBudget(total=64 * MiB), limit=MiB)
    with pytest.raises(DecodeRefused):
        decoded_whole(data, [FLATE], budget=DecodeBudget(total=64 * MiB, held=MiB), limit=64 * MiB)
    budget = DecodeBudget(total=64 * MiB)
    assert decoded_whole(data, [FLATE], budget=budget, limit=64 * MiB) == b"x" * (2 * MiB)
    assert budget.held_used == 2 * MiB


@pytest.mark.parametrize(
    ("filters", "params"),
    [
        (["/LZWDecode"], []),
        (["/ASCIIHexDecode"], []),
        ([FLATE, FLATE, FLATE], []),
        ([FLATE], [{"/Predictor": 12}]),
    ],
)
def test_what_the_reader_does_not_decode_is_refused_before_decoding(filters, params):
    budget = DecodeBudget(total=MiB)
    with pytest.raises(DecodeRefused) as refused:
        list(decoded_chunks(b"anything", filters, budget=budget, params=params))
    assert refused.value.reason == "unsupported" and budget.used == 0


def test_damaged_flate_is_refused():
    with pytest.raises(DecodeRefused) as refused:
        list(decoded_chunks(b"\x78\x9c not deflate at all", [FLATE], budget=DecodeBudget(total=MiB)))
    assert refused.value.reason == "damaged"


def test_an_upload_gets_a_base_and_more_for_its_size():
    assert upload_budget(2600).total == 64 * MiB + 5200
    assert upload_budget(200 * 1000 * 1000).total > 400 * MiB


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_json_within_the_bounds_reads_as_json_does(value):
    raw = json.dumps(value).encode()
    assert read_json(raw, max_bytes=MiB, max_values=10_000, max_depth=64) == value


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_brackets_and_commas_inside_strings_are_not_structure(text):
    raw = json.dumps([text + '[[[[{{{{,,,,::::"\\']).encode()
    assert read_json(raw, max_bytes=MiB, max_values=2, max_depth=1, max_containers=1) == [
        text + '[[[[{{{{,,,,::::"\\'
    ]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 17 + b"]" * 17, "too_complex"),  # deeper than 16
        (b"[" + b"[]," * 1000 + b"[]]", "too_complex"),  # more than 1,000 containers (and 100 values)
        (b"[" + b"0," * 100 + b"0]", "too_complex"),  # more than 100 values
        (b'"' + b"x" * 5000 + b'"', "over_budget"),  # more than 5,000 bytes
        (b"[1, 2", "not_json"),
        (b"\xff\xfe", "not_json"),
    ],
)
def test_json_past_its_bounds_is_refused_before_parsing(raw, reason):
    with pytest.raises(DecodeRefused) as refused:
        read_json(raw, max_bytes=5000, max_values=100, max_depth=16, max_containers=1000)
    assert refused.value.reason == reason
