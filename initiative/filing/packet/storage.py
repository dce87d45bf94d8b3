"""Where a sealed packet's file lives: encrypted at rest, as every copy of supporters' data
(docs/law.md §Personal data).

The packet lists every supporter's name, address and identifier, so the stored file is AES-GCM encrypted
under FIELD_ENCRYPTION_KEYS and bound to its packet row (a file moved to another row does not open). The
checksum on the row is of the sealed PDF itself, the file the council receives and `verify_packet` checks.
"""

import tempfile

from django.core.files.base import File

from initiative.models import Packet, SignedPacket
from personal_data.access_log import record_access
from personal_data.encryption import decrypt_bytes, encrypt_bytes, encrypt_bytes_in_chunks

# Encrypted pieces gather in memory up to this size, then on local disk, on their way to the storage: a
# packet with a thousand scans is some 300 MiB, and a second copy of it in memory is what the build's peak
# was made of.
SPOOL_BYTES = 8 * 1024 * 1024


def _context(packet: Packet) -> str:
    return f"packet:{packet.initiative_id}:{packet.version}"


def _store(field_file, data: bytes, *, context: str, name: str) -> str:
    """Write `data` encrypted under `context` to the field's storage (a random name); returns the name. The
    caller saves the row."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        for chunk in encrypt_bytes_in_chunks(data, context=context):
            spool.write(chunk)
        spool.seek(0)
        field_file.save(name, File(spool), save=False)
    return field_file.name


def _read(field_file, *, context: str) -> bytes:
    """Raises OSError when the storage lost the file, DecryptionFailed when it does not open."""
    with field_file.open("rb") as handle:
        return decrypt_bytes(handle.read(), context=context)


def packet_file_store(packet: Packet, sealed: bytes) -> str:
    """Write the encrypted file (the storage name is random); returns it. The caller saves the row."""
    return _store(packet.file, sealed, context=_context(packet), name="packet.pdf.enc")


def packet_file_read(packet: Packet) -> bytes:
    """The sealed PDF. Raises OSError when the storage lost it, DecryptionFailed when it does not open."""
    return _read(packet.file, context=_context(packet))


def _signed_context(row: SignedPacket) -> str:
    return f"signed-packet:{row.packet_id}"


def signed_packet_store(row: SignedPacket, signed: bytes) -> str:
    """Write the committee's signed packet encrypted, like the packet; the caller saves the row."""
    return _store(row.file, signed, context=_signed_context(row), name="signed.pdf.enc")


def signed_packet_read(row: SignedPacket) -> bytes:
    return _read(row.file, context=_signed_context(row))


def packet_file_read_for(packet: Packet, *, reader) -> bytes:
    """The packet for a person (a download), recorded in the access log once it opened: every read of
    personal data by a person is logged (docs/law.md §Personal data). Where the committee signed this
    version (initiative.filing.signed_filing), that is the file the office receives, so it is the one
    given. The caller checks that `reader` is a party to the filing; the build and key rotation, which are
    no person, use packet_file_read."""
    signed = SignedPacket.objects.filter(packet=packet, file_deleted_at__isnull=True).exclude(file="").first()
    content = signed_packet_read(signed) if signed is not None else packet_file_read(packet)
    record_access(
        user=reader,
        initiative_id=packet.initiative_id,
        what="packet",
        records=packet.records or 0,
        detail=f"version {packet.version}" + (", signed by the committee" if signed is not None else ""),
    )
    return content


def signed_packet_reseal(row: SignedPacket, stored: bytes) -> bytes:
    """The stored signed packet sealed again under the newest key (`reencrypt_personal_data`)."""
    return encrypt_bytes(decrypt_bytes(stored, context=_signed_context(row)), context=_signed_context(row))


def packet_file_reseal(packet: Packet, stored: bytes) -> bytes:
    """The stored file sealed again under the newest key (`reencrypt_personal_data`)."""
    return encrypt_bytes(decrypt_bytes(stored, context=_context(packet)), context=_context(packet))
