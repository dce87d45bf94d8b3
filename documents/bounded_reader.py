"""The one bounded reader of uploaded files: every byte the platform decodes or parses out of an upload is
counted against that request's budget (docs/security.md "Parsing uploads: budgets").

A small upload can be a bomb: a Flate stream of zeros inflates about a thousand times, a filter chain of two
Flates a million times, and a few megabytes of JSON such as `[[],[],…]` become gigabytes of Python objects.
So whoever reads an upload makes one `DecodeBudget` for the request (`upload_budget`) and hands it to every
step that decodes: the PDF readers (`documents.pades`: pyHanko's own stream decoding is charged to it, and
embedded files are decoded here, Flate step by Flate step), and the JSON inside (`read_json`: size, depth
and number of values bounded before the parser runs). A step that would go over the budget stops at once
with `DecodeRefused`, having decoded at most the budget.

No outside library here: the glue to pyHanko lives in documents/pades, which calls this module.
"""

import dataclasses
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence

MiB = 1024 * 1024

# What one request may decode in all: a base every upload gets, and more in proportion to its size (a
# packet's attached scans are hashed as they decode, and scans do not compress: they decode to about their
# own size). A 2.6 KB bomb gets 64 MiB; a 200 MB packet 464 MiB, hashed in 1 MiB pieces, never held.
BASE_BUDGET_BYTES = 64 * MiB
BUDGET_PER_UPLOADED_BYTE = 2
# What may be held in memory whole: all of pyHanko's decoded streams of one request (it keeps them while the
# file is checked) and any one stream or JSON text read whole. A platform's packet of 100,000 signatures
# needs under 8 MiB of either (its integrity appendix, 6.8 MB, is the largest).
HELD_BUDGET_BYTES = 96 * MiB
STEP_BYTES = 32 * MiB
# Filters are chained only by bombs: the platform's files use one Flate step.
MAX_FILTERS = 2
_CHUNK = MiB


class DecodeRefused(Exception):
    """An upload asked for more than its budget, or for something the reader does not decode.

    `reason`: "over_budget" (more decoded bytes than allowed), "unsupported" (a filter or parameter the
    reader does not decode), "damaged" (the compressed data are broken), "not_json", "too_complex" (JSON
    deeper or with more values than allowed).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclasses.dataclass
class DecodeBudget:
    """How many bytes one request may still decode from its upload.

    `total` counts every byte any step produces (time); `held` the bytes kept whole in memory (pyHanko's
    decoded streams, a text read whole); `step` caps any one of those.
    """

    total: int
    held: int = HELD_BUDGET_BYTES
    step: int = STEP_BYTES
    used: int = 0
    held_used: int = 0

    @property
    def remaining(self) -> int:
        return max(self.total - self.used, 0)

    @property
    def held_remaining(self) -> int:
        return max(self.held - self.held_used, 0)

    def charge(self, size: int, *, held: bool = False) -> None:
        """Count `size` decoded bytes (also as held in memory if `held`); DecodeRefused("over_budget") when
        they do not fit."""
        if size > self.remaining or (held and size > self.held_remaining):
            raise DecodeRefused("over_budget", f"{size} bytes more than the request may decode")
        self.used += size
        if held:
            self.held_used += size


def upload_budget(upload_size: int) -> DecodeBudget:
    """The budget of a request that reads an upload of `upload_size` bytes."""
    return DecodeBudget(total=BASE_BUDGET_BYTES + BUDGET_PER_UPLOADED_BYTE * max(upload_size, 0))


# -- PDF stream filters ----------------------------------------------------------------------------------

FLATE = frozenset({"/FlateDecode", "/Fl"})


def decoded_chunks(
    raw: bytes, filters: Sequence[str], *, budget: DecodeBudget, params: Sequence[object] = ()
) -> Iterator[bytes]:
    """The bytes of a PDF stream through its filter chain, 1 MiB at a time, every step charged to `budget`.

    `filters` are the names of /Filter ("/FlateDecode"), `params` the matching /DecodeParms (None or empty
    where there are none). Only Flate without a predictor is decoded, at most MAX_FILTERS steps: what the
    platform and ordinary PDF writers use for embedded files; anything else is DecodeRefused("unsupported")
    before a byte is decoded.
    """
    if len(filters) > MAX_FILTERS:
        raise DecodeRefused("unsupported", f"{len(filters)} filters")
    for index, name in enumerate(filters):
        if name not in FLATE:
            raise DecodeRefused("unsupported", f"filter {name[:40]}")
        if index < len(params) and params[index]:
            raise DecodeRefused("unsupported", "decode parameters")
    chunks: Iterable[bytes] = (raw[start : start + _CHUNK] for start in range(0, len(raw), _CHUNK))
    for _step in filters:
        chunks = _inflated(chunks, budget)
    yield from chunks


def decoded_whole(
    raw: bytes, filters: Sequence[str], *, budget: DecodeBudget, limit: int, params: Sequence[object] = ()
) -> bytes:
    """The whole decoded stream, held in memory: at most `limit` bytes, `budget.step`, and what the budget
    may still hold."""
    cap = min(limit, budget.step, budget.held_remaining)
    pieces: list[bytes] = []
    size = 0
    for chunk in decoded_chunks(raw, filters, budget=budget, params=params):
        size += len(chunk)
        if size > cap:
            raise DecodeRefused("over_budget", "stream larger than allowed")
        pieces.append(chunk)
    budget.held_used += size
    return b"".join(pieces)


def _inflated(chunks: Iterable[bytes], budget: DecodeBudget) -> Iterator[bytes]:
    """One Flate step: never more than 1 MiB produced from a call (zlib's max_length), each piece charged."""
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            pending = chunk
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if piece:
                    budget.charge(len(piece))
                    yield piece
            if inflater.eof:
                return  # bytes after the end of the Flate data are ignored, as PDF readers do
        tail = inflater.flush(_CHUNK)
    except zlib.error as error:
        raise DecodeRefused("damaged", "Flate data") from error
    if tail:
        budget.charge(len(tail))
        yield tail


# -- JSON ------------------------------------------------------------------------------------------------

MAX_JSON_DEPTH = 16
# A JSON string, escapes included; what is left when strings are taken out is the structure to count.
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def read_json(
    raw: bytes,
    *,
    max_bytes: int,
    max_values: int,
    max_depth: int = MAX_JSON_DEPTH,
    max_containers: int = 1000,
    parse_constant=None,
) -> object:
    """Parse JSON bounded before the parser runs: its size, the number of its values (every value costs a
    Python object of 30 to 100 bytes), of its arrays and objects, and how deep they nest (Python's parser
    recurses). DecodeRefused("over_budget", "not_json" or "too_complex") otherwise."""
    if len(raw) > max_bytes:
        raise DecodeRefused("over_budget", f"JSON over {max_bytes} bytes")
    skeleton = _JSON_STRING.sub(b'""', raw)
    containers = skeleton.count(b"[") + skeleton.count(b"{")
    if containers > max_containers:
        raise DecodeRefused("too_complex", f"more than {max_containers} arrays and objects")
    if skeleton.count(b",") + skeleton.count(b":") + 1 > max_values:
        raise DecodeRefused("too_complex", f"more than {max_values} values")
    depth = 0
    for bracket in _JSON_BRACKETS.finditer(skeleton):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > max_depth:
            raise DecodeRefused("too_complex", f"nested deeper than {max_depth}")
    try:
        return json.loads(raw, parse_constant=parse_constant)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise DecodeRefused("not_json", type(error).__name__) from error
