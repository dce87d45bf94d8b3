"""AES-256-GCM for personal data at rest, with keys from FIELD_ENCRYPTION_KEYS (newest first).

A stored value reads `v1.<key id>.<base64 of nonce + ciphertext + tag>`: the key id (the first bytes of
the key's SHA-256) names the key that sealed it, so values sealed under an older key still open while
`reencrypt_personal_data` moves them to the newest. The column's name is bound in as associated data, so
a value copied from one column into another (an address into a name) fails to open instead of leaking.
"""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12
FILE_HEADER_LENGTH = len(PREFIX) + 1 + 8 + 1  # "v1.<key id>."
FILE_CHUNK_BYTES = 1024 * 1024


class DecryptionFailed(Exception):
    """A stored value that no configured key opens: wrong key set, or the value was tampered with."""


@functools.cache
def _keys(configured: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for text in configured:
        try:
            key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except ValueError:
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured(
                "Each FIELD_ENCRYPTION_KEYS entry must be 32 random bytes in URL-safe base64; make one with "
                "python -c 'import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
            )
        keys.append((hashlib.sha256(key).hexdigest()[:8], key))
    return tuple(keys)


def keys() -> tuple[tuple[str, bytes], ...]:
    """(key id, key) pairs, newest first."""
    configured = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not configured:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set: personal data cannot be stored.")
    return _keys(configured)


def encrypt(plaintext: str, *, context: str) -> str:
    key_id, key = keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}.{key_id}.{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(stored: str, *, context: str) -> str:
    try:
        prefix, key_id, payload = stored.split(".", 2)
        raw = base64.b64decode(payload, validate=True)
    except ValueError as error:
        raise DecryptionFailed("not an encrypted value") from error
    if prefix != PREFIX:
        raise DecryptionFailed(f"unknown format {prefix!r}")
    key = _key(key_id)
    try:
        plaintext = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag as error:
        raise DecryptionFailed("the value does not open under its key: tampered or misplaced") from error
    return plaintext.decode("utf-8")


def encrypt_bytes(plaintext: bytes, *, context: str) -> bytes:
    """AES-GCM for files (a filed packet): `v1.<key id>.` then nonce, ciphertext and tag, in binary.

    Base64 would make a file a third larger for nothing; the layout is otherwise the text form's."""
    return b"".join(encrypt_bytes_in_chunks(plaintext, context=context))


def encrypt_bytes_in_chunks(plaintext: bytes, *, context: str) -> Iterator[bytes]:
    """What `encrypt_bytes` returns, in pieces: a file of hundreds of MiB goes to storage without a
    second copy of it in memory. The same AES-GCM, so `decrypt_bytes` opens it in one call."""
    key_id, key = keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    yield f"{PREFIX}.{key_id}.".encode("ascii") + nonce
    view = memoryview(plaintext)
    for start in range(0, len(view), FILE_CHUNK_BYTES):
        yield encryptor.update(view[start : start + FILE_CHUNK_BYTES])
    yield encryptor.finalize() + encryptor.tag


def decrypt_bytes(stored: bytes, *, context: str) -> bytes:
    key_id = key_id_of_file(stored)
    if key_id is None:
        raise DecryptionFailed("not an encrypted file")
    key = _key(key_id)
    raw = memoryview(stored)[FILE_HEADER_LENGTH:]  # a view: a packet can be hundreds of MiB
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except InvalidTag as error:
        raise DecryptionFailed("the file does not open under its key: tampered or misplaced") from error


def _key(key_id: str) -> bytes:
    key = dict(keys()).get(key_id)
    if key is None:
        raise DecryptionFailed(f"no configured key has id {key_id}")
    return key


def key_id_of(stored: str) -> str | None:
    parts = stored.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def key_id_of_file(stored: bytes) -> str | None:
    """The key that sealed a file: binary from `encrypt_bytes`, or text from `encrypt` stored as a file."""
    try:
        return key_id_of(stored[:FILE_HEADER_LENGTH].decode("ascii"))
    except UnicodeDecodeError:
        return None


def newest_key_id() -> str:
    return keys()[0][0]


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value, for lookups and uniqueness without the plaintext.

    Keyed with the OLDEST configured key (the last in the list), so that hashes stay the same when a new
    key is added at the front; that key stays configured for as long as hashes made with it are in use.
    `purpose` scopes the hash (e.g. one initiative), so hashes cannot be matched across scopes.
    """
    hash_key = hmac.new(keys()[-1][1], b"personal-data keyed hash", hashlib.sha256).digest()
    return hmac.new(hash_key, f"{purpose}\x1f{value}".encode(), hashlib.sha256).hexdigest()
