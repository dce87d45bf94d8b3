"""Compile one part of the packet in a short-lived process, and keep the arabic-numbered parts in order.

Each part is compiled in a process of its own (`python -c`, calling documents.typst_render): Typst
memoizes every compile in a process-wide cache that the Python binding never evicts (messense/typst-py#104),
so in one process each 2,000-row part left about 70 MiB behind and made the next one slower: 100,000 rows
took 100 s and 2 GiB. A fresh process costs about 0.1 s and gives all its memory back. (Not
multiprocessing: a Celery prefork worker is a daemonic process, which may not have children.)

The parts are untagged PDF/A-3b: tags make the list about 11 times larger and do not survive merging, and
PDF/A-3 is the level that allows the attached files. The rendered parts are small (a 2,000-row part is
about 200 KB) and stay in memory until assembled: they hold personal data, so they are never written to a
temporary file; they travel to and from the rendering process through pipes.
"""

import dataclasses
import itertools
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator

from django.conf import settings

from documents.pdf_assembly import page_count
from documents.typst_render import RenderFailed

STANDARD = "a-3b"
PART_TIMEOUT_SECONDS = 300
# The rendering process: a request as JSON on standard input, the PDF on standard output.
_RENDER_PROCESS = """
import json, sys
from documents.typst_render import render_pdf
request = json.load(sys.stdin.buffer)
pdf = render_pdf(request["template"], request["data"], tagged=False, standard=request["standard"])
sys.stdout.buffer.write(pdf)
"""
EN_DASH = "\u2013"  # between the numbers of a page range


def render_part(template: str, data: dict) -> bytes:
    """One untagged PDF/A-3b part, compiled in a process of its own (see the module's docstring)."""
    request = json.dumps(
        {"template": template, "data": data, "standard": STANDARD}, ensure_ascii=False, default=str
    )
    try:
        done = subprocess.run(  # noqa: S603  (our own interpreter and code; the data go through a pipe)
            [sys.executable, "-c", _RENDER_PROCESS],
            input=request.encode(),
            capture_output=True,
            cwd=settings.BASE_DIR,
            timeout=PART_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise RenderFailed(f"{template}: no answer in {PART_TIMEOUT_SECONDS} s") from error
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        # Typst's diagnostics may quote the data (a supporter's name): only in debug do they go with the
        # error, which Celery logs.
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] if settings.DEBUG else []
        raise RenderFailed(f"{template}: the rendering process failed ({done.returncode}) {''.join(detail)}")
    return done.stdout


@dataclasses.dataclass
class Body:
    """The arabic-numbered parts as they are rendered, and the page the next one starts on."""

    parts: list[bytes] = dataclasses.field(default_factory=list)
    pages: dict[str, str] = dataclasses.field(default_factory=dict)  # page range by part key
    next_page: int = 1

    def add(self, template: str, data: dict) -> None:
        """Render a piece of a part that starts on the next page (`data` gets its number) and append it."""
        pdf = render_part(template, {**data, "first_page": self.next_page})
        self.parts.append(pdf)
        self.next_page += page_count(pdf)

    def part_ended(self, key: str, first_page: int) -> None:
        """Note the page range of the part `key` that began on `first_page` and ends here."""
        last = self.next_page - 1
        self.pages[key] = str(first_page) if last <= first_page else f"{first_page}{EN_DASH}{last}"


def chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
