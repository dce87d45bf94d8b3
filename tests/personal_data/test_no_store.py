"""`Cache-Control: no-store` on every page and API answer that holds personal data, listed one by one.

Each case makes the answer in the state where it shows someone's data and checks that the data are really
there (so that the header is checked where it matters), then that no browser or proxy may keep a copy
(personal_data/no_store.py; docs/security.md "Who signed: answers that reveal nothing").
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from signatures.paper.services import paper_row_enter
from tests.conftest import PASSWORD
from tests.initiative.conftest import (  # noqa: F401  (fixtures)
    collecting_initiative,
    filed_initiative,
    join_committee,
    paper_supporter,
    ready_initiative,
    start_initiative,
    templates,
)
from tests.pki import krakow_collecting, krakow_supporter, open_krakow, pki, trusted_roots  # noqa: F401
from tests.signatures.conftest import (  # noqa: F401  (fixtures)
    api_for,
    browser_for,
    totp_code_for,
    verifying_initiative,
)

TYPED_ADDRESS = "ul. Zwycięstwa 10/2, 44-100 Gliwice"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


# Each case: (what it shows, a function of the test's fixtures giving the answer and a datum it must hold).


def sign_page_sent_back(get):
    initiative = get("collecting_initiative")
    form = {
        "first_names": "Jan",
        "last_name": "",
        "address": TYPED_ADDRESS,
        "birth_day": "15",
        "birth_month": "3",
        "birth_year": "1980",
        "citizenship": "PL",
        "email": "jan@example.org",
        "declaration": "on",
        "privacy_notice": "on",
    }
    return Client().post(f"/initiatives/{initiative.pk}/sign/", form), TYPED_ADDRESS


def esign_form(initiative, **changes) -> dict:
    return {**krakow_supporter(declaration="on", privacy_notice="on"), **changes}


def esign_page_sent_back(get):
    initiative = get("krakow_collecting")
    form = esign_form(initiative, declaration=None)
    form = {name: value for name, value in form.items() if value is not None}
    return Client().post(f"/initiatives/{initiative.pk}/sign/e-signature/", form), "Floriańska"


def esign_statement(get):
    initiative = get("krakow_collecting")
    response = Client().post(f"/initiatives/{initiative.pk}/sign/e-signature/", esign_form(initiative))
    assert response["Content-Type"] == "application/pdf"
    return response, None


def statement_api(get):
    initiative = get("krakow_collecting")
    response = APIClient().post(
        f"/api/v1/initiatives/{initiative.pk}/statement.pdf", krakow_supporter(), format="json"
    )
    assert response["Content-Type"] == "application/pdf"
    return response, None


def committee_browser(get) -> tuple[Client, object]:
    author, initiative = get("author"), get("collecting_initiative")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(author)
    return browser, initiative


def paper_rows_typed(get):
    browser, initiative = committee_browser(get)
    paper_row_enter(initiative_id=initiative.pk, actor=get("author"), data=paper_supporter(1), sheet_number=1)
    return browser.get(f"/initiatives/{initiative.pk}/paper/"), paper_supporter(1)["last_name"]


def paper_row_sent_back(get):
    browser, initiative = committee_browser(get)
    row = {"sheet_number": "1", "first_names": "Jan", "last_name": "Kowalski", "address": TYPED_ADDRESS}
    return browser.post(f"/initiatives/{initiative.pk}/paper/", row), TYPED_ADDRESS


def paper_scan(get):
    get("media")
    browser, initiative = committee_browser(get)
    upload = SimpleUploadedFile("skan.pdf", PDF, content_type="application/pdf")
    browser.post(f"/initiatives/{initiative.pk}/paper/scans/", {"sheet_number": "1", "file": upload})
    response = browser.get(f"/initiatives/{initiative.pk}/paper/scans/1/")
    assert response.content == PDF
    return response, None


def clerk_browser(get) -> tuple[Client, object]:
    initiative = get("verifying_initiative")
    return get("browser_for")(get("clerk_of_gliwice")), initiative


def clerk_api(get) -> tuple[APIClient, object]:
    initiative = get("verifying_initiative")
    return get("api_for")(get("clerk_of_gliwice")), initiative


def clerk_list_page(get):
    browser, initiative = clerk_browser(get)
    return browser.get(f"/clerk/initiatives/{initiative.pk}/signatures/"), paper_supporter(1)["last_name"]


def clerk_csv_page(get):
    browser, initiative = clerk_browser(get)
    return browser.get(f"/clerk/initiatives/{initiative.pk}/signatures.csv"), paper_supporter(1)["last_name"]


def clerk_list_api(get):
    client, initiative = clerk_api(get)
    response = client.get(f"/api/v1/clerk/initiatives/{initiative.pk}/signatures/")
    return response, paper_supporter(1)["last_name"]


def clerk_csv_api(get):
    client, initiative = clerk_api(get)
    response = client.get(f"/api/v1/clerk/initiatives/{initiative.pk}/signatures.csv")
    return response, paper_supporter(1)["last_name"]


def clerk_initiative_api(get):
    client, initiative = clerk_api(get)
    return client.get(f"/api/v1/clerk/initiatives/{initiative.pk}/"), get("author").full_name


def committee_manage_page(get):
    browser, initiative = committee_browser(get)
    return browser.get(f"/initiatives/{initiative.pk}/manage/"), get("author").full_name


def committee_invitation_api(get):
    initiative, author = get("ready_initiative"), get("author")
    client = get("api_for")(author)
    response = client.post(
        f"/api/v1/initiatives/{initiative.pk}/committee/invitations/",
        {"email": "zaproszona@example.org"},
        format="json",
    )
    return response, "zaproszona@example.org"


def account_page(get):
    author = get("author")
    browser = Client()
    browser.force_login(author)
    return browser.get("/accounts/"), author.email


def token_api(get):
    author = get("author")
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": author.email, "password": PASSWORD}, format="json"
    )
    return response, '"token"'


CASES = {
    "sign page sent back with errors": sign_page_sent_back,
    "e-signature page sent back with errors": esign_page_sent_back,
    "e-signature statement from the page": esign_statement,
    "e-signature statement from the API": statement_api,
    "committee: paper rows typed": paper_rows_typed,
    "committee: paper row sent back with errors": paper_row_sent_back,
    "committee: a paper sheet's scan": paper_scan,
    "committee: the manage page": committee_manage_page,
    "committee: an invitation (API)": committee_invitation_api,
    "clerk: list of signatures (page)": clerk_list_page,
    "clerk: list of signatures as CSV (page)": clerk_csv_page,
    "clerk: list of signatures (API)": clerk_list_api,
    "clerk: list of signatures as CSV (API)": clerk_csv_api,
    "clerk: the initiative (API)": clerk_initiative_api,
    "account page": account_page,
    "API token": token_api,
}


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_answer_with_personal_data_is_never_stored(case, request):
    response, datum = case(request.getfixturevalue)

    assert response.status_code < 500
    if datum is not None:
        assert datum in body(response)
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, response.get("Cache-Control")
