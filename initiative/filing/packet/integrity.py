"""The integrity appendix of a packet: a SHA-256 of every signature record and their Merkle root.

A record is hashed as canonical JSON (keys sorted, no spaces, UTF-8), so anyone holding the list can
recompute a row's hash, and the root over all rows, with any JSON library. The tree is the one of
RFC 6962 (Certificate Transparency) over the records' hashes: leaves are SHA-256(0x00 ‖ record hash),
inner nodes SHA-256(0x01 ‖ left ‖ right), an odd node is carried up unpaired. The manifest goes into
the packet as the attached file `integrity.json` (PDF/A-3 associated file) and is printed as the
appendix; the seal covers both.
"""

import hashlib
import json
from collections.abc import Iterable

from documents.bounded_reader import read_json

ATTACHMENT_NAME = "integrity.json"
FORMAT = "inicjatywa-packet-integrity/1"
# Read back from an uploaded file, an appendix is bounded before it is parsed (documents.bounded_reader):
# 100,000 signatures make 6.8 MB, so 16 MiB holds about 240,000. Every value is a hash of 64 hex digits or
# a file's name beside one, so no genuine appendix has more than one value for 32 bytes; it has three
# containers (the object, the records, the files), two deep.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def record_bytes(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def record_hash(record: dict) -> str:
    """The hex SHA-256 of one record as printed in the appendix (the plain hash of its canonical JSON)."""
    return hashlib.sha256(record_bytes(record)).hexdigest()


def merkle_root(record_hashes: Iterable[str]) -> str:
    """The RFC 6962 Merkle tree hash over the records' hashes, in list order (hex)."""
    level = [hashlib.sha256(b"\x00" + bytes.fromhex(value)).digest() for value in record_hashes]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[index] + level[index + 1]).digest()
            for index in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def manifest(*, initiative_id: int, version: int, record_hashes: list[str], files: dict[str, str]) -> dict:
    """The appendix as data: `files` maps attached file names (scans, evidence) to their SHA-256."""
    return {
        "format": FORMAT,
        "initiative": initiative_id,
        "version": version,
        "records": record_hashes,
        "merkle_root": merkle_root(record_hashes),
        "files": files,
    }


def manifest_read(raw: bytes) -> object:
    """The JSON of an appendix read back from a file; documents.bounded_reader.DecodeRefused when it is not
    JSON, or larger or more complex than an appendix can be."""
    return read_json(
        raw, max_bytes=MAX_MANIFEST_BYTES, max_values=MAX_MANIFEST_BYTES // 32, max_containers=8, max_depth=4
    )


def manifest_problems(data: dict) -> list[str]:
    """What does not hold in a manifest read back from a packet (empty when it holds)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return ["the integrity appendix is missing or of an unknown format"]
    records = data.get("records")
    if not isinstance(records, list) or not all(_is_sha256(value) for value in records):
        return ["the integrity appendix's record hashes are malformed"]
    files = data.get("files")
    if not isinstance(files, dict) or not all(_is_sha256(value) for value in files.values()):
        return ["the integrity appendix's file hashes are malformed"]
    if merkle_root(records) != data.get("merkle_root"):
        return ["the Merkle root does not match the record hashes"]
    return []


def _is_sha256(value) -> bool:
    if not isinstance(value, str) or len(value) != 64:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True
