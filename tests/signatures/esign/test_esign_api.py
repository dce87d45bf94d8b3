"""The e-signature API: POST …/statement.pdf, then POST …/signatures/esigned/ with the signed file.

Real Typst renders the statement, real pyHanko signs it with certificates of a test CA (tests/pki.py) and
validates it. Personas: Jan (PESEL 44051401458, a qualified certificate from the trusted test CA), Anna
(another PESEL, same CA), a look-alike of Jan from a CA nobody trusts.
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import base64
import io
import json
import subprocess

import pytest

from signatures.esign import services as esignature
from signatures.models import Signature
from signatures.selectors import support_count
from tests.pki import (  # noqa: F401  (fixtures)
    ADULT_PESEL,
    fast_password_hashing,
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    sign_pdf,
    trusted_roots,
)


def statement_url(initiative) -> str:
    return f"/api/v1/initiatives/{initiative.pk}/statement.pdf"


def upload_url(initiative) -> str:
    return f"/api/v1/initiatives/{initiative.pk}/signatures/esigned/"


@pytest.fixture(autouse=True)
def answers_in_english(api_client):
    """The refusals are matched in English here (Polish is the default; its catalogue is tested apart)."""
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def get_statement(api_client, initiative, **changes) -> bytes:
    response = api_client.post(statement_url(initiative), krakow_supporter(**changes), format="json")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def upload(api_client, initiative, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "oswiadczenie-podpisane.pdf"
    return api_client.post(upload_url(initiative), {"file": handle})


def refused_with(response, words: str) -> None:
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["file"])
    assert words in message, message


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# -- the statement ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_statement_carries_council_draft_supporter_and_a_sealed_token(api_client, krakow_collecting):
    pdf = get_statement(api_client, krakow_collecting)

    text = pdf_text(pdf)
    assert "Oświadczenie o poparciu projektu uchwały" in text
    assert krakow_collecting.municipality.council_name in text
    assert esignature.draft_sha256(krakow_collecting) in text
    for value in ("Jan", "Kowalski", "Floriańska 1/2", ADULT_PESEL, "14.05.1944", "polskie"):
        assert value in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Pages:           1" in info
    assert b"pdfaid:part" in pdf  # PDF/A, for the council's archive
    token = esignature.TOKEN.search(info).group(0)
    payload = esignature.statement_from_token(token)
    assert payload["initiative"] == krakow_collecting.pk
    assert payload["pesel"] == ADULT_PESEL
    # Kraków's rules ask for the date of birth: that, not the PESEL, is what the signature will keep.
    assert payload["supporter"]["birth_date"] == "1944-05-14"
    assert "pesel" not in payload["supporter"]


@pytest.mark.django_db
def test_statement_request_is_checked_like_a_signature(api_client, krakow_collecting):
    for changes, field in [
        ({"pesel": None}, "pesel"),
        ({"pesel": "44051401459"}, "pesel"),
        ({"birth_date": "1950-01-01"}, "birth_date"),
        ({"declaration": None}, "declaration"),
        ({"first_names": "=cmd"}, "first_names"),
    ]:
        response = api_client.post(
            statement_url(krakow_collecting), krakow_supporter(**changes), format="json"
        )
        assert response.status_code == 400, changes
        assert field in response.json(), (changes, response.json())


@pytest.mark.django_db
def test_a_matching_birth_date_and_an_email_address_are_accepted(api_client, krakow_collecting):
    pdf = get_statement(api_client, krakow_collecting, birth_date="1944-05-14", email="jan@example.org")
    assert "jan@example.org" not in pdf_text(pdf)


@pytest.mark.django_db
def test_statement_refused_where_rules_take_no_e_signature(api_client, collecting_initiative, trusted_roots):
    response = api_client.post(statement_url(collecting_initiative), krakow_supporter(), format="json")
    assert response.status_code == 409
    assert "electronic signatures" in response.json()["detail"]


@pytest.mark.django_db
def test_nothing_is_issued_or_accepted_when_trust_roots_are_not_configured(
    api_client, krakow_collecting, settings, pki
):
    pdf = esignature.statement_pdf(krakow_collecting, krakow_supporter())
    settings.SIGNATURE_TRUST_ROOTS = ""
    response = api_client.post(statement_url(krakow_collecting), krakow_supporter(), format="json")
    assert response.status_code == 409
    assert "not configured" in response.json()["detail"]
    response = upload(api_client, krakow_collecting, sign_pdf(pdf, pki.person))
    assert response.status_code == 409
    assert Signature.objects.count() == 0


# -- the signed statement ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_qualified_signature_is_counted(api_client, krakow_collecting, pki):
    signed = sign_pdf(get_statement(api_client, krakow_collecting), pki.person)

    response = upload(api_client, krakow_collecting, signed)

    assert response.status_code == 201, response.content
    assert response.json() == {"status": "confirmed"}
    assert support_count(krakow_collecting).counted == 1
    signature = Signature.objects.get()
    assert (signature.method, signature.status) == ("qes", "confirmed")
    assert (signature.first_names, signature.last_name) == ("Jan", "Kowalski")
    # The rules ask for the date of birth: the PESEL matched the certificate and was not kept.
    assert (signature.birth_date, signature.pesel) == ("1944-05-14", "")
    evidence = json.dumps(signature.evidence, ensure_ascii=False)
    assert signature.evidence["trusted"] and signature.evidence["covers_whole_document"]
    assert signature.evidence["qualified_certificate"] is True
    assert signature.evidence["statement_matched_by"] == "rendered"
    for personal in (ADULT_PESEL, "Kowalski", "Jan ", "Floriańska"):
        assert personal not in evidence


@pytest.mark.django_db
def test_the_pesel_is_kept_where_the_rules_ask_for_it(api_client, krakow_collecting, pki):
    krakow_collecting.rules = {**krakow_collecting.rules, "identifier": "pesel"}
    krakow_collecting.save(update_fields=["rules"])
    signed = sign_pdf(get_statement(api_client, krakow_collecting), pki.person)

    assert upload(api_client, krakow_collecting, signed).status_code == 201
    assert (Signature.objects.get().pesel, Signature.objects.get().birth_date) == (ADULT_PESEL, "")


@pytest.mark.django_db
def test_the_same_person_twice_gets_the_same_answer_and_counts_once(api_client, krakow_collecting, pki):
    first = sign_pdf(get_statement(api_client, krakow_collecting), pki.person)
    second = sign_pdf(
        get_statement(api_client, krakow_collecting, address="os. Centrum 1, Kraków"), pki.person
    )

    assert upload(api_client, krakow_collecting, first).json() == {"status": "confirmed"}
    response = upload(api_client, krakow_collecting, second)

    assert response.status_code == 201 and response.json() == {"status": "confirmed"}
    assert support_count(krakow_collecting).counted == 1


@pytest.mark.django_db
def test_a_file_changed_after_signing_is_refused(api_client, krakow_collecting, pki):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_pdf(get_statement(api_client, krakow_collecting), pki.person)
    # Bytes changed inside what the signature covers.
    tampered = signed.replace(b"Typst", b"Tipst", 1)
    assert tampered != signed
    refused_with(upload(api_client, krakow_collecting, tampered), "changed after it was signed")
    # A change appended as an incremental update after the signature.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    refused_with(upload(api_client, krakow_collecting, appended.getvalue()), "added to the document")
    # Cut short.
    assert upload(api_client, krakow_collecting, signed[: len(signed) // 2]).status_code == 400

    assert support_count(krakow_collecting).counted == 0


@pytest.mark.django_db
def test_a_certificate_that_does_not_fit_is_refused(api_client, krakow_collecting, pki):
    statement = get_statement(api_client, krakow_collecting)
    for signer, words in [
        (pki.stranger, "not from a trusted provider"),  # Jan's look-alike from a CA nobody trusts
        (pki.other_person, "signed by someone else"),  # Anna signs Jan's statement
        (pki.without_pesel, "does not name its holder by PESEL"),
    ]:
        refused_with(upload(api_client, krakow_collecting, sign_pdf(statement, signer)), words)
    assert Signature.objects.count() == 0


@pytest.mark.django_db
def test_a_statement_for_another_initiative_is_refused(api_client, krakow_collecting, open_krakow, pki):
    other = open_krakow()
    signed = sign_pdf(get_statement(api_client, other), pki.person)
    refused_with(upload(api_client, krakow_collecting, signed), "another initiative")


@pytest.mark.django_db
def test_altered_data_under_the_old_hmac_are_refused(api_client, krakow_collecting, pki):
    payload = esignature.statement_payload(krakow_collecting, krakow_supporter())
    token = esignature.statement_token(payload)
    _message, _dot, mac = token.rpartition(".")
    forged_payload = {**payload, "supporter": {**payload["supporter"], "last_name": "Nowak"}}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged_payload).encode()).rstrip(b"=").decode()
    forged_token = f"{esignature.TOKEN_PREFIX}.{forged_body}.{mac}"
    signed = sign_pdf(esignature.statement_render(forged_payload, forged_token), pki.person)

    refused_with(upload(api_client, krakow_collecting, signed), "have been altered")


@pytest.mark.django_db
def test_a_page_changed_under_a_genuine_token_is_refused(api_client, krakow_collecting, pki):
    """The token is the platform's, but the page the person signed says something else."""
    payload = esignature.statement_payload(krakow_collecting, krakow_supporter())
    token = esignature.statement_token(payload)
    shown = {**payload, "title": "w sprawie czegoś zupełnie innego"}
    signed = sign_pdf(esignature.statement_render(shown, token), pki.person)

    refused_with(upload(api_client, krakow_collecting, signed), "changed before it was signed")


@pytest.mark.django_db
def test_a_statement_issued_under_a_previous_secret_key_still_counts(
    api_client, krakow_collecting, pki, settings
):
    pdf = get_statement(api_client, krakow_collecting)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 40

    assert upload(api_client, krakow_collecting, sign_pdf(pdf, pki.person)).status_code == 201


@pytest.mark.django_db
def test_an_unsigned_statement_and_what_is_not_a_pdf_are_refused(api_client, krakow_collecting):
    statement = get_statement(api_client, krakow_collecting)
    refused_with(upload(api_client, krakow_collecting, statement), "no electronic signature")
    refused_with(upload(api_client, krakow_collecting, b"hello, world"), "not a PDF document")


@pytest.mark.django_db
def test_a_missing_or_oversized_file_is_refused(api_client, krakow_collecting, monkeypatch):
    response = api_client.post(upload_url(krakow_collecting), {})
    assert response.status_code == 400 and "file" in response.json()

    from signatures.esign import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    refused_with(upload(api_client, krakow_collecting, b"%PDF-" + b"0" * 2000), "too large")
    monkeypatch.setattr(esignature, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(esignature.InvalidInput):
        esignature.esigned_submit(initiative_id=krakow_collecting.pk, file=b"%PDF-" + b"0" * 2000)


@pytest.mark.django_db
def test_upload_where_the_rules_take_no_e_signature_is_a_conflict(
    api_client, collecting_initiative, trusted_roots, pki
):
    """Gliwice accepts paper only: even a perfect statement (issued while the rules were otherwise) is 409."""
    rules = collecting_initiative.rules
    collecting_initiative.rules = {**rules, "signature_methods": ["paper", "qes"]}
    collecting_initiative.save(update_fields=["rules"])
    pdf = esignature.statement_pdf(
        collecting_initiative, krakow_supporter(address="ul. Zwycięstwa 1, Gliwice")
    )
    collecting_initiative.rules = rules
    collecting_initiative.save(update_fields=["rules"])

    response = upload(api_client, collecting_initiative, sign_pdf(pdf, pki.person))

    assert response.status_code == 409
    assert "do not accept electronic signatures" in response.json()["detail"]
    assert Signature.objects.count() == 0
