"""`reencrypt_personal_data` moves columns and stored files to the newest key; then the old key can go."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from initiative.filing.packet.storage import (
    packet_file_read,
    packet_file_store,
    signed_packet_read,
    signed_packet_store,
)
from initiative.models import Packet, SignedPacket
from personal_data.encryption import key_id_of, key_id_of_file
from signatures.models import PaperSheetScan, Signature, SignedFile
from signatures.paper.services import paper_scan_upload
from signatures.scan_files import paper_scan_content
from signatures.services import signature_submit
from signatures.signed_files import signed_file_content
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    collecting_initiative,
    join_committee,
    ready_initiative,
    start_initiative,
    templates,
)
from tests.personal_data.test_encryption import new_key
from tests.signatures.conftest import supporter

pytestmark = pytest.mark.usefixtures("media")

SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
PACKET = b"%PDF-1.7 lista poparcia: Zofia Wi\xc5\x9bniewska"
SIGNED = PACKET + b" podpisany przez pe\xc5\x82nomocnika"
STATEMENT = b"%PDF-1.7 o\xc5\x9bwiadczenie poparcia: Jan Kowalski"


def stored(media) -> set[str]:
    return {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}


def raw_last_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_name::text FROM {Signature._meta.db_table}")
        return [row[0] for row in cursor.fetchall()]


def rotate() -> str:
    out = io.StringIO()
    call_command("reencrypt_personal_data", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_columns_packets_and_scans_move_to_the_newest_key_and_the_old_key_can_go(
    settings,
    media,
    collecting_initiative,  # noqa: F811  (the fixture, imported above)
    author,
    django_capture_on_commit_callbacks,
):
    old, new = new_key(), new_key()
    earlier = list(settings.FIELD_ENCRYPTION_KEYS)  # what sealed the fixtures (committee members' names)
    settings.FIELD_ENCRYPTION_KEYS = [old, *earlier]
    signature_submit(
        initiative_id=collecting_initiative.pk,
        data=supporter(email=None),
        method="paper",
        signed_file=(STATEMENT, "application/pdf"),  # as an e-signature's file is kept
    )
    scan = paper_scan_upload(
        initiative_id=collecting_initiative.pk,
        actor=author,
        sheet_number=1,
        upload=SimpleUploadedFile("arkusz.png", SCAN, content_type="image/png"),
    )
    packet = Packet.objects.create(initiative=collecting_initiative, version=1)
    packet_file_store(packet, PACKET)
    packet.save()
    signed = SignedPacket(
        packet=packet, sha256="0" * 64, size_bytes=len(SIGNED), signer_role="representative", method="qes"
    )
    signed.uploaded_by = author
    signed_packet_store(signed, SIGNED)
    signed.save()
    before = stored(media)
    old_id = key_id_of(raw_last_names()[0])

    settings.FIELD_ENCRYPTION_KEYS = [new, old, *earlier]
    with django_capture_on_commit_callbacks(execute=True):
        report = rotate()

    assert "signatures.Signature: 1 rows re-encrypted" in report
    assert "packet files: 1 files re-encrypted" in report and "paper scans: 1 files re-encrypted" in report
    assert (
        "signed statements: 1 files re-encrypted" in report
        and "signed packets: 1 files re-encrypted" in report
    )
    after = stored(media)
    assert len(after) == 4 and not after & before  # new files; the old ones deleted after the commit
    scan.refresh_from_db()
    packet.refresh_from_db()
    for path in after:
        content = (media / path).read_bytes()
        assert key_id_of_file(content) not in {None, old_id}
        assert b"Wi\xc5\x9bniewska" not in content and b"PNG" not in content

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key removed: everything still opens
    assert Signature.objects.get().last_name == "Kowalski"
    assert paper_scan_content(PaperSheetScan.objects.get(pk=scan.pk)) == SCAN
    assert packet_file_read(Packet.objects.get(pk=packet.pk)) == PACKET
    assert signed_packet_read(SignedPacket.objects.get(pk=signed.pk)) == SIGNED
    assert signed_file_content(SignedFile.objects.get()) == STATEMENT
    assert {key_id_of(value) for value in raw_last_names()} != {old_id}

    again = rotate()  # nothing left under an older key
    assert "packet files: 0 files" in again and "paper scans: 0 files" in again
    assert "signed statements: 0 files" in again and "signed packets: 0 files" in again
    assert stored(media) == after
