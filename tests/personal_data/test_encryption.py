import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from personal_data.encryption import (
    FILE_CHUNK_BYTES,
    DecryptionFailed,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    encrypt_bytes_in_chunks,
    key_id_of,
    keyed_hash,
)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def two_keys(settings):
    old, new = new_key(), new_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    return old, new


@given(text=st.text(max_size=300))
def test_round_trip_of_any_text(text):
    assert decrypt(encrypt(text, context="t.c"), context="t.c") == text


def test_same_text_encrypts_differently_each_time():
    assert encrypt("Jan Kowalski", context="t.c") != encrypt("Jan Kowalski", context="t.c")


def test_value_moved_to_another_column_does_not_open():
    sealed = encrypt("ul. Długa 1", context="app.model.address")
    with pytest.raises(DecryptionFailed):
        decrypt(sealed, context="app.model.full_name")


def test_tampered_value_does_not_open():
    sealed = encrypt("ul. Długa 1", context="t.c")
    prefix, key_id, payload = sealed.split(".")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(DecryptionFailed):
        decrypt(f"{prefix}.{key_id}.{base64.b64encode(bytes(raw)).decode()}", context="t.c")


def test_old_values_open_after_a_new_key_is_added_and_new_ones_use_it(settings, two_keys):
    old, new = two_keys
    sealed_old = encrypt("Anna", context="t.c")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    sealed_new = encrypt("Anna", context="t.c")
    assert decrypt(sealed_old, context="t.c") == decrypt(sealed_new, context="t.c") == "Anna"
    assert key_id_of(sealed_old) != key_id_of(sealed_new)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(DecryptionFailed, match="no configured key"):
        decrypt(sealed_old, context="t.c")


def test_keyed_hash_is_stable_across_rotation_and_scoped_by_purpose(settings, two_keys):
    old, new = two_keys
    before = keyed_hash("85010112345", purpose="initiative:1")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert keyed_hash("85010112345", purpose="initiative:1") == before
    assert keyed_hash("85010112345", purpose="initiative:2") != before
    assert "85010112345" not in before


def test_malformed_key_is_a_clear_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["too-short"]
    with pytest.raises(ImproperlyConfigured, match="32 random bytes"):
        encrypt("x", context="t.c")


@given(data=st.binary(max_size=2000))
def test_files_round_trip_and_stay_unreadable_at_rest(data):
    sealed = encrypt_bytes(b"%PDF-1.7 Zo\xc5\xbceda " + data, context="packet:1:1")
    assert b"%PDF" not in sealed and b"Zo\xc5\xbceda" not in sealed
    assert decrypt_bytes(sealed, context="packet:1:1") == b"%PDF-1.7 Zo\xc5\xbceda " + data


def test_a_file_encrypted_in_pieces_opens_in_one_call():
    data = os.urandom(2 * FILE_CHUNK_BYTES + 12345)  # pieces across the chunk boundaries, the last one short
    pieces = list(encrypt_bytes_in_chunks(data, context="packet:1:1"))
    assert len(pieces) == 5  # header and nonce, three chunks, the tag
    assert decrypt_bytes(b"".join(pieces), context="packet:1:1") == data
    with pytest.raises(DecryptionFailed):
        decrypt_bytes(b"".join(pieces[:-1]) + bytes(16), context="packet:1:1")  # a wrong tag


def test_a_file_opens_only_for_its_own_row_and_under_a_known_key(two_keys, settings):
    old, new = two_keys
    sealed = encrypt_bytes(b"lista poparcia", context="packet:1:1")
    with pytest.raises(DecryptionFailed):
        decrypt_bytes(sealed, context="packet:1:2")
    with pytest.raises(DecryptionFailed):
        decrypt_bytes(b"not encrypted at all", context="packet:1:1")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # rotated: the older key still opens what it sealed
    assert decrypt_bytes(sealed, context="packet:1:1") == b"lista poparcia"
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(DecryptionFailed):
        decrypt_bytes(sealed, context="packet:1:1")
