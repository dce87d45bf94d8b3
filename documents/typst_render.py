"""The one module that talks to Typst: render a template under documents/typst/ with data to a PDF.

Data go in as JSON through `sys.inputs.data` (the template reads `json(bytes(sys.inputs.data))`), never
by pasting text into Typst source, so nothing a user typed can become Typst markup. PDF/A-2b so councils
can archive what they receive; Typst's bundled fonts cover Polish letters.

The filing packet's parts are PDF/A-3b (`standard="a-3b"`): only PDF/A-3 allows embedded files of any
kind (the scans and integrity.json attached to the assembled packet), and they are untagged, since tags
make a 10,000-row list about 11 times larger and do not survive merging parts into one file.
"""

import json
from pathlib import Path

import typst

TEMPLATES = Path(__file__).resolve().parent / "typst"


class RenderFailed(Exception):
    """Typst refused the template or the data: a bug of ours, reported with Typst's own message."""


PDF_STANDARDS = ("a-2b", "a-3b")


def render_pdf(template: str, data: dict, *, tagged: bool = True, standard: str = "a-2b") -> bytes:
    """`template` is a file name under documents/typst/ (e.g. "statement.typ"); `standard` a PDF/A level
    of PDF_STANDARDS."""
    if standard not in PDF_STANDARDS:
        raise ValueError(f"unknown PDF standard {standard!r}")
    source = TEMPLATES / template
    try:
        return typst.compile(
            str(source),
            root=str(TEMPLATES),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            pdf_standards=[standard],
            pdf_tags=tagged,
        )
    except RuntimeError as error:  # typst reports compile errors as RuntimeError with the diagnostics
        raise RenderFailed(f"{template}: {error}") from error
