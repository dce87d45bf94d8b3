"""The variables of a checkout that `make setup` prepared for local work, for its command line.

`make setup` writes `VAR_DIR/local.env` (by default `var/local.env`) with the `DEBUG` value it ran with, so
that `.venv/bin/python manage.py create_user …` and the other operators' commands work in that checkout as
the README writes them, without exporting `DEBUG=1` first. Only `manage.py` reads the file: the WSGI
application and Celery workers never do, so a server that starts them decides its mode by its own
environment (and with `DEBUG` unset stays in production mode). A variable set in the environment always wins:
`DEBUG=0` with no `SECRET_KEY` still refuses to start.
"""

import os
import re
from pathlib import Path

FILE_NAME = "local.env"
# NAME=value, one a line; lines starting with # are comments. Nothing is quoted or expanded.
LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def local_env_path(base_dir: Path) -> Path:
    """Where `make setup` writes the file: VAR_DIR as config/settings.py reads it."""
    return Path(os.environ.get("VAR_DIR", base_dir / "var")) / FILE_NAME


def local_env_load(base_dir: Path) -> dict[str, str]:
    """Set the file's variables that the environment does not set; returns those it set."""
    path = local_env_path(base_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    loaded = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise SystemExit(f"{path}, line {number}: expected NAME=value; delete the file or mend the line.")
        name, value = match["name"], match["value"].strip()
        if name not in os.environ:
            os.environ[name] = loaded[name] = value
    return loaded
