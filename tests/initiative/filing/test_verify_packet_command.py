"""Checking a packet with the `verify_packet` command, called and run as a program (the packet:
tests/initiative/filing/sealed_packets.py)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.conftest import child_database_url

# The checkout's root, where manage.py is.
ROOT = Path(__file__).resolve().parents[3]


# The command ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_exits_0_for_a_valid_packet(packet, tmp_path):
    path = tmp_path / "packet.pdf"
    path.write_bytes(packet)
    out = io.StringIO()
    with translation.override("en"):
        call_command("verify_packet", str(path), stdout=out)
    assert out.getvalue().startswith("[ok] The packet is valid")


@pytest.mark.django_db
def test_the_command_exits_1_for_a_damaged_packet(packet, tmp_path):
    path = tmp_path / "packet.pdf"
    path.write_bytes(packet[: len(packet) // 2])
    out = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as exited:
        call_command("verify_packet", str(path), stdout=out)
    assert exited.value.code == 1
    assert out.getvalue().startswith("[!!] The packet is NOT valid.")


@pytest.mark.django_db
def test_the_command_refuses_a_missing_file_with_exit_1(tmp_path):
    with pytest.raises(CommandError, match="cannot read") as refused:
        call_command("verify_packet", str(tmp_path / "missing.pdf"))
    assert refused.value.returncode == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["missing", "garbage", "truncated", "valid"])
def test_the_command_run_as_a_program_never_shows_a_traceback(kind, packet, seal_settings, tmp_path):
    path = tmp_path / "packet.pdf"
    if kind == "garbage":
        path.write_bytes(os.urandom(4096))
    elif kind == "truncated":
        path.write_bytes(packet[: len(packet) * 2 // 3])
    elif kind == "valid":
        path.write_bytes(packet)
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": child_database_url(),
        "SEAL_P12_FILE": seal_settings.SEAL_P12_FILE,
        "SEAL_P12_PASSWORD": seal_settings.SEAL_P12_PASSWORD,
        "SEAL_TRUST_ROOTS": seal_settings.SEAL_TRUST_ROOTS,
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "verify_packet", str(path)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in run.stdout + run.stderr
    assert run.returncode == (0 if kind == "valid" else 1), run.stdout + run.stderr
    if kind == "missing":
        assert "cannot read" in run.stderr
    else:
        assert run.stdout.strip()
