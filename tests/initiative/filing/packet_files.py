"""Reading a built packet back in the packet tests: its stored bytes, the files in storage, a poppler tool's
output, the supporters in list order."""

import subprocess

from django.core.files.storage import default_storage

from initiative.filing.packet.storage import packet_file_read
from initiative.models import Packet
from signatures.models import Signature, SignatureStatus


def stored_bytes(packet: Packet) -> bytes:
    packet.refresh_from_db()
    return packet_file_read(packet)


def stored_files(initiative_id: int) -> list[str]:
    directory = f"packets/{initiative_id}"
    return default_storage.listdir(directory)[1] if default_storage.exists(directory) else []


def run(command: list[str], data: bytes, tmp_path) -> str:
    path = tmp_path / "packet.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [*command, str(path), *(["-"] if command[0] == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def supporters(initiative) -> list[Signature]:
    return list(
        Signature.objects.filter(initiative=initiative, status=SignatureStatus.CONFIRMED).order_by("pk")
    )
