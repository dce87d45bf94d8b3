"""Where a sealed packet's file lives: encrypted at rest, as every copy of supporters' data (DESIGN.md §7).

The packet lists every supporter's name, address and identifier, so the stored file is AES-GCM encrypted
under FIELD_ENCRYPTION_KEYS and bound to its packet row (a file moved to another row does not open). The
checksum on the row is of the sealed PDF itself, the file the council receives and `verify_packet` checks.
"""

from django.core.files.base import ContentFile

from initiative.models import Packet
from personal_data.encryption import decrypt_bytes, encrypt_bytes


def _context(packet: Packet) -> str:
    return f"packet:{packet.initiative_id}:{packet.version}"


def packet_file_store(packet: Packet, sealed: bytes) -> str:
    """Write the encrypted file (the storage name is random); returns it. The caller saves the row."""
    encrypted = encrypt_bytes(sealed, context=_context(packet))
    packet.file.save("packet.pdf.enc", ContentFile(encrypted), save=False)
    return packet.file.name


def packet_file_read(packet: Packet) -> bytes:
    """The sealed PDF. Raises OSError when the storage lost it, DecryptionFailed when it does not open."""
    with packet.file.open("rb") as handle:
        return decrypt_bytes(handle.read(), context=_context(packet))


def packet_file_reseal(packet: Packet, stored: bytes) -> bytes:
    """The stored file sealed again under the newest key (`reencrypt_personal_data`)."""
    return encrypt_bytes(decrypt_bytes(stored, context=_context(packet)), context=_context(packet))
