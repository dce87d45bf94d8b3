"""The files embedded in an uploaded PDF (a packet someone wants checked), read with pyHanko's strict reader
under the request's decoding budget.

An uploaded file never reaches qpdf (pikepdf), which decodes object streams and filter chains whole: a 1 MB
file can hold an object stream of a gigabyte. pyHanko's reader charges its decoding to the request's
`DecodeBudget`; an embedded file's own stream is decoded by documents.bounded_reader, Flate step by Flate
step, and hashed as it decodes.
"""

import contextlib
import hashlib
from collections.abc import Iterator

from pyhanko.pdf_utils import generic

from documents.bounded_reader import (
    STEP_BYTES,
    DecodeBudget,
    DecodeRefused,
    decoded_chunks,
    decoded_whole,
    upload_budget,
)
from documents.pades.reading import PdfRejected, open_pdf, over_budget

# The name tree of embedded files: the platform's packets list one file per paper sheet.
MAX_ATTACHMENTS = 100_000
MAX_TREE_DEPTH = 16


def read_attachment(
    data: bytes, name: str, *, budget: DecodeBudget | None = None, max_bytes: int = STEP_BYTES
) -> bytes | None:
    """The embedded file named `name`, decoded whole (at most `max_bytes`), or None when there is none;
    decoded under `budget` (a fresh one for the file's size when none is given).

    Raises `PdfRejected`: "not_pdf", "encrypted", "over_budget", "attachment_unreadable".
    """
    budget = budget or upload_budget(len(data))
    with _reading():
        reader = open_pdf(data, budget=budget)
        for found, spec in _embedded_files(reader):
            if found == name:
                with _file_stream(reader, spec) as stream:
                    filters, params = _filters(stream)
                    return decoded_whole(
                        stream.encoded_data, filters, params=params, budget=budget, limit=max_bytes
                    )
    return None


def attachment_digests(data: bytes, *, budget: DecodeBudget | None = None) -> dict[str, str]:
    """The SHA-256 (hex) of every embedded file, by name, computed as each decodes, never holding one whole
    (nor, once hashed, its raw bytes).

    Raises `PdfRejected` as `read_attachment`.
    """
    budget = budget or upload_budget(len(data))
    digests: dict[str, str] = {}
    with _reading():
        reader = open_pdf(data, budget=budget)
        for name, spec in _embedded_files(reader):
            digest = hashlib.sha256()
            with _file_stream(reader, spec) as stream:
                filters, params = _filters(stream)
                for chunk in decoded_chunks(stream.encoded_data, filters, params=params, budget=budget):
                    digest.update(chunk)
            digests[name] = digest.hexdigest()
    return digests


@contextlib.contextmanager
def _reading():
    """Whatever reading a hostile file raises comes out as one `PdfRejected`."""
    try:
        yield
    except PdfRejected:
        raise
    except DecodeRefused as refused:
        raise PdfRejected(
            "over_budget" if refused.reason == "over_budget" else "attachment_unreadable"
        ) from refused
    except Exception as error:  # pyHanko raises many kinds on hostile input
        reason = "over_budget" if over_budget(error) else "attachment_unreadable"
        raise PdfRejected(reason, type(error).__name__) from error


def _filters(stream: generic.StreamObject) -> tuple[list[str], list]:
    """The stream's filter names and decode parameters, as the bounded reader takes them."""
    names, params = _listed(stream.get("/Filter")), _listed(stream.get("/DecodeParms"))
    return [str(name) for name in names], [None if isinstance(p, generic.NullObject) else p for p in params]


def _listed(value) -> list:
    """A value that may be one object or an array of them, resolved, as a list."""
    value = value.get_object() if value is not None else None
    if value is None:
        return []
    if isinstance(value, generic.ArrayObject):
        return [item.get_object() for item in value]
    return [value]


def _embedded_files(reader) -> Iterator[tuple[str, generic.PdfObject]]:
    """(name, file specification as stored) of every file in the catalog's /EmbeddedFiles name tree, in the
    tree's order; the files' streams are not read here."""
    names = reader.root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if isinstance(names, generic.PdfObject) else None
    if tree is None:
        return
    count = 0
    seen: set = set()
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, generic.IndirectObject):
            if node.reference in seen:
                raise DecodeRefused("damaged", "a loop in the name tree")
            seen.add(node.reference)
        node = node.get_object()
        if depth > MAX_TREE_DEPTH or not isinstance(node, generic.DictionaryObject):
            raise DecodeRefused("damaged", "name tree")
        kids = node.get("/Kids")
        if kids is not None:
            pending.extend((kid, depth + 1) for kid in reversed(list(kids.get_object())))
        pairs = node.get("/Names")
        if pairs is None:
            continue
        pairs = pairs.get_object()
        for index in range(0, len(pairs) - 1, 2):
            count += 1
            if count > MAX_ATTACHMENTS:
                raise DecodeRefused("damaged", "too many embedded files")
            yield _text(pairs[index]), pairs.raw_get(index + 1)


def _text(value) -> str:
    if isinstance(value, generic.TextStringObject):
        return str(value)
    if isinstance(value, generic.ByteStringObject):
        return bytes(value).decode("latin-1")
    raise DecodeRefused("damaged", "a name in the name tree is not a string")


@contextlib.contextmanager
def _file_stream(reader, spec):
    """The embedded file's stream; once used, pyHanko's reader forgets it, so that hashing a packet's scans
    one after the other never holds more than one of them (a packet may carry hundreds of MB of scans)."""
    spec = spec.get_object()
    embedded = spec.get("/EF") if isinstance(spec, generic.DictionaryObject) else None
    embedded = embedded.get_object() if embedded is not None else None
    stored = None
    if isinstance(embedded, generic.DictionaryObject):
        stored = embedded.get("/UF") or embedded.get("/F")
    stream = stored.get_object() if stored is not None else None
    if not isinstance(stream, generic.StreamObject):
        raise DecodeRefused("damaged", "a file specification without its file")
    try:
        yield stream
    finally:
        if isinstance(stored, generic.IndirectObject):
            reader.resolved_objects.pop((stored.generation, stored.idnum), None)
