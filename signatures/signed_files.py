"""The files supporters signed electronically, kept so that they travel with the packet (docs/law.md
§The packet): encrypted at rest, each bound to its signature. One home for how such a file is sealed,
opened and sealed again under a new key (signatures/apps.py registers it for key rotation).
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from personal_data.encryption import decrypt_bytes, encrypt_bytes
from signatures.models import Signature, SignedFile


def signed_file_context(signature_id: int) -> str:
    # Bound to the signature, so a file copied over another's fails to open instead of misleading.
    return f"signatures.signedfile:{signature_id}"


def signed_file_store(signature: Signature, content: bytes, content_type: str) -> SignedFile:
    """Keep the uploaded file with its signature; call in the transaction that records the signature."""
    row = SignedFile(
        signature=signature,
        initiative_id=signature.initiative_id,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    sealed = encrypt_bytes(content, context=signed_file_context(signature.pk))
    row.file.save("signed", ContentFile(sealed), save=False)
    row.save()
    return row


def signed_file_content(row: SignedFile) -> bytes:
    """The file as the supporter uploaded it (decrypted); check who may read it before calling."""
    with default_storage.open(row.file.name, "rb") as stored:
        sealed = stored.read()
    return decrypt_bytes(sealed, context=signed_file_context(row.signature_id))


def signed_file_reseal(row: SignedFile, stored: bytes) -> bytes:
    """The stored file sealed again under the newest key (`reencrypt_personal_data`)."""
    context = signed_file_context(row.signature_id)
    return encrypt_bytes(decrypt_bytes(stored, context=context), context=context)


def signed_files_delete(signature_ids) -> int:
    """Delete the files of these signatures and their rows (retention, withdrawal); returns how many."""
    deleted = 0
    for row in SignedFile.objects.select_for_update().filter(signature_id__in=signature_ids):
        if row.file.name:
            default_storage.delete(row.file.name)
        row.delete()
        deleted += 1
    return deleted
