"""documents/typst/statement.typ: one page, a function of its data alone (the upload renders it again)."""

import subprocess

from documents.typst_render import render_pdf
from tests.documents.test_pades import STATEMENT_DATA


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_same_data_give_the_same_bytes():
    assert render_pdf("statement.typ", STATEMENT_DATA) == render_pdf("statement.typ", dict(STATEMENT_DATA))


def test_the_date_of_birth_is_shown_only_where_the_rules_ask_for_it():
    with_date = text_of(render_pdf("statement.typ", STATEMENT_DATA))
    supporter = {key: value for key, value in STATEMENT_DATA["supporter"].items() if key != "birth_date"}
    without_date = text_of(render_pdf("statement.typ", {**STATEMENT_DATA, "supporter": supporter}))

    assert "Data urodzenia" in with_date and "14.05.1944" in with_date
    assert "Data urodzenia" not in without_date
    for text in (with_date, without_date):
        assert "Numer PESEL" in text and "Żółwiej" in text and "0000-0000-0000" in text
        assert text.count("\f") == 1  # one page
