"""The one module that talks to Typst: render a template under documents/typst/ with data to a PDF.

Data go in as JSON through `sys.inputs.data` (the template reads `json(bytes(sys.inputs.data))`), never
by pasting text into Typst source, so nothing a user typed can become Typst markup. PDF/A-2b so councils
can archive what they receive; Typst's bundled fonts cover Polish letters.
"""

import json
from pathlib import Path

import typst

TEMPLATES = Path(__file__).resolve().parent / "typst"


class RenderFailed(Exception):
    """Typst refused the template or the data: a bug of ours, reported with Typst's own message."""


def render_pdf(template: str, data: dict, *, tagged: bool = True) -> bytes:
    """`template` is a file name under documents/typst/ (e.g. "statement.typ")."""
    source = TEMPLATES / template
    try:
        return typst.compile(
            str(source),
            root=str(TEMPLATES),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
            pdf_standards=["a-2b"],
            pdf_tags=tagged,
        )
    except RuntimeError as error:  # typst reports compile errors as RuntimeError with the diagnostics
        raise RenderFailed(f"{template}: {error}") from error
