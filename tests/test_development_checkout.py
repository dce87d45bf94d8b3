"""A checkout prepared by `make setup`: the README's operators' commands work as written there (no DEBUG
exported), production without its secrets still refuses to start, and links follow the port `make run`
serves."""

# ruff: noqa: F811  (the fixtures imported below are named again as test arguments)

import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import child_database_url
from tests.initiative.filing.sealed_packets import packet, part  # noqa: F401  (fixtures)
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
DEMO_DATA = ROOT / "municipalities" / "demo_data"
PASSWORD = "dluga-fraza-urzednika-2026"
# What the shell of a person who has just run `make setup` holds: none of the variables `make` exported.
NOT_EXPORTED = {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SITE_URL", "PORT", "VAR_DIR"}
# Settings of the test seal, given to verify_packet the way an operator's environment gives them.
SEAL_VARIABLES = ("SEAL_P12_FILE", "SEAL_P12_PASSWORD", "SEAL_TRUST_ROOTS")


def shell_environment(**changes: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in NOT_EXPORTED}
    environment.update(changes)
    return environment


def make(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        env=shell_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def set_up_var(tmp_path) -> Path:
    """VAR_DIR as `make setup` leaves it (its local-env step; the rest needs no repeating here)."""
    var = tmp_path / "var"
    result = make("local-env", f"VAR_DIR={var}")
    assert result.returncode == 0, result.stderr
    return var


def operators_commands() -> list[list[str]]:
    """The commands of the README's "Operators" section, split as the shell splits them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Operators\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    assert len(commands) >= 6 and all(
        command[:2] == [".venv/bin/python", "manage.py"] for command in commands
    )
    return commands


@pytest.mark.django_db(transaction=True)
def test_every_operators_command_of_the_readme_runs_as_written(set_up_var, tmp_path, packet, seal_settings):
    """Run from a directory holding the files the commands name; "…" is the password the reader chooses."""
    from legal_templates.services import templates_load

    # The database as `migrate` leaves it, shipped templates included: a transactional test starts from
    # tables another test's flush emptied.
    templates_load()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(DEMO_DATA / "terc.csv", work / "TERC.csv")
    shutil.copy(DEMO_DATA / "population.csv", work / "pop.csv")
    shutil.copy(DEMO_DATA / "local_rules.json", work / "rules.json")
    (work / "pakiet-12-v1.pdf").write_bytes(packet)
    environment = shell_environment(
        VAR_DIR=str(set_up_var),
        DATABASE_URL=child_database_url(),
        **{name: str(getattr(seal_settings, name)) for name in SEAL_VARIABLES},
    )

    for command in operators_commands():
        argv = [str(ROOT / ".venv/bin/python"), str(ROOT / "manage.py")]
        argv += [PASSWORD if argument == "…" else argument for argument in command[2:]]
        run = subprocess.run(argv, cwd=work, env=environment, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"{shlex.join(command)}\n{run.stdout}\n{run.stderr}"
        assert "Traceback" not in run.stderr

    from accounts.models import ClerkMembership

    assert ClerkMembership.objects.filter(user__email="clerk@gliwice.example", unit__teryt="2466011").exists()


def test_without_the_set_up_file_the_command_asks_for_the_secret(tmp_path):
    """What an operator met before `make setup` wrote var/local.env: the same command refuses to start."""
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=shell_environment(VAR_DIR=str(tmp_path / "empty-var")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "SECRET_KEY is not set" in run.stderr


@pytest.mark.parametrize("program", ["manage.py check", "wsgi"])
def test_production_still_refuses_to_start_without_its_secret(set_up_var, program):
    """DEBUG=0 in the environment wins over the file; the WSGI application never reads the file at all."""
    if program == "wsgi":
        argv, environment = [sys.executable, "-c", "import config.wsgi"], {}
    else:
        argv, environment = [sys.executable, "manage.py", "check"], {"DEBUG": "0"}
    run = subprocess.run(
        argv,
        cwd=ROOT,
        env=shell_environment(VAR_DIR=str(set_up_var), **environment),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "SECRET_KEY is not set" in run.stderr


SITE_URL_CODE = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def site_url(**environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SITE_URL_CODE],
        cwd=ROOT,
        env=shell_environment(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", **environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8765"}, "http://127.0.0.1:8765"),
        ({"PORT": "8765", "SITE_URL": "https://inicjatywa.example.org/"}, "https://inicjatywa.example.org"),
    ],
)
def test_the_default_site_url_follows_the_port(environment, expected):
    run = site_url(**environment)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == expected


def test_a_port_that_is_not_a_number_stops_start_up_with_a_clear_message():
    run = site_url(PORT="80a")
    assert run.returncode != 0 and "PORT must be a port number" in run.stderr


def test_make_run_on_another_port_serves_there_and_links_there(tmp_path):
    """`PORT=8765 make run`: the server the Makefile starts and the links its settings make agree. The
    Python the Makefile calls is a stand-in that answers the preparing commands and, for `runserver`,
    prints the address it would serve and the SITE_URL the real settings give in its environment."""
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = runserver ]; then\n'
        f'  echo "serves $3"; exec {shlex.quote(sys.executable)} -c {shlex.quote(SITE_URL_CODE)}\n'
        "fi\n"
        "exit 0\n"
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IEXEC)
    result = make("-o", ".venv/.synced", "run", f"PY={stand_in}", f"VAR_DIR={tmp_path / 'var'}", PORT="8765")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "serves 127.0.0.1:8765" in result.stdout
    assert "http://127.0.0.1:8765\n" in result.stdout
