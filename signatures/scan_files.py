"""The stored scans of paper sheets: encrypted at rest, each bound to its sheet (docs/privacy.md).

The paper room uploads them (signatures/paper/services.py); the packet reads them through the selectors;
key rotation seals them again (signatures/apps.py). One home for how a scan is sealed and opened.
"""

from django.core.files.storage import default_storage

from personal_data.encryption import decrypt_bytes, encrypt_bytes
from signatures.models import PaperSheetScan


def scan_encryption_context(initiative_id: int, sheet_number: int) -> str:
    # Bound to the sheet, so a file copied over another sheet's scan fails to open instead of misleading.
    return f"signatures.papersheetscan:{initiative_id}:{sheet_number}"


def paper_scan_content(scan: PaperSheetScan) -> bytes:
    """The scan as uploaded (decrypted); check who may read it before calling."""
    with default_storage.open(scan.file.name, "rb") as stored:
        sealed = stored.read()
    return decrypt_bytes(sealed, context=scan_encryption_context(scan.initiative_id, scan.sheet_number))


def paper_scan_reseal(scan: PaperSheetScan, stored: bytes) -> bytes:
    """The stored scan sealed again under the newest key (`reencrypt_personal_data`)."""
    context = scan_encryption_context(scan.initiative_id, scan.sheet_number)
    return encrypt_bytes(decrypt_bytes(stored, context=context), context=context)
