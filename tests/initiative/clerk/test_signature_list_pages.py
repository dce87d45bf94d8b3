"""The clerk's verification screen: counts, filters, pages, verdicts by POST, the CSV import, who sees it."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from initiative.clerk.verification import verdicts_set
from personal_data.models import PersonalDataAccess
from signatures.models import Signature
from tests.initiative.conftest import paper_supporter
from tests.signatures.conftest import add_signatures


def page_url(initiative, query: str = "") -> str:
    return f"/clerk/initiatives/{initiative.pk}/signatures/{query}"


def ids_of(initiative) -> list[int]:
    return list(Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True))


def stored(initiative) -> list[tuple[str, str]]:
    return list(
        Signature.objects.filter(initiative=initiative)
        .order_by("pk")
        .values_list("verdict", "verdict_reason")
    )


class Controls(HTMLParser):
    """The page's form controls, labels, headings and tables, as a browser (or a screen reader) finds them."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.h1 = 0
        self.rows = 0
        self.forms: list[dict] = []
        self._in_tbody = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append(attrs)
        elif tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        elif tag == "h1":
            self.h1 += 1
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.rows += 1
        elif tag == "form":
            self.forms.append(attrs)

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_tbody = False


def controls_of(response) -> Controls:
    parser = Controls()
    parser.feed(response.content.decode())
    return parser


def test_the_page_shows_the_count_the_rows_and_the_way_back(
    verifying_initiative, clerk_of_gliwice, browser_for
):
    response = browser_for(clerk_of_gliwice).get(page_url(verifying_initiative))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Verification of signatures</h1>" in html
    assert "0 of the 5 needed" in html
    assert "5 more valid signatures are needed to reach the threshold." in html
    for number in range(1, 7):
        person = paper_supporter(number)
        assert person["last_name"] in html
        assert person["address"] in html
    assert f'href="/clerk/initiatives/{verifying_initiative.pk}/"' in html
    assert f'href="/clerk/initiatives/{verifying_initiative.pk}/signatures.csv"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_page_is_accessible_without_javascript(verifying_initiative, clerk_of_gliwice, browser_for):
    response = browser_for(clerk_of_gliwice).get(page_url(verifying_initiative))
    page = controls_of(response)

    assert page.h1 == 1
    unlabelled = [control for control in page.controls if control.get("id") not in page.label_for]
    assert unlabelled == []
    checkboxes = [control for control in page.controls if control.get("type") == "checkbox"]
    assert len(checkboxes) == 6
    posting = [form for form in page.forms if form.get("method") == "post"]
    assert len(posting) == 3  # the language switch, the verdicts, the import
    assert response.content.decode().count('name="csrfmiddlewaretoken"') == len(posting)
    assert {form.get("method") for form in page.forms} == {"get", "post"}
    assert page.rows == 6


def test_each_view_is_logged_with_the_page_and_filters(verifying_initiative, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)

    browser.get(page_url(verifying_initiative))
    browser.get(page_url(verifying_initiative, "?verdict=unchecked&method=paper"))

    assert list(
        PersonalDataAccess.objects.order_by("pk").values_list("user", "what", "records", "detail")
    ) == [
        (clerk_of_gliwice.pk, "signature_list", 6, "page=1 verdict=all method=all"),
        (clerk_of_gliwice.pk, "signature_list", 6, "page=1 verdict=unchecked method=paper"),
    ]


def test_the_filter_shows_only_the_chosen_verdict(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    verdicts_set(
        initiative_id=verifying_initiative.pk,
        clerk=clerk_of_gliwice,
        verdicts=[{"signature": ids[1], "valid": False, "reason": "under_18"}],
    )

    response = browser_for(clerk_of_gliwice).get(page_url(verifying_initiative, "?verdict=invalid"))

    html = response.content.decode()
    assert controls_of(response).rows == 1
    assert paper_supporter(2)["last_name"] in html
    assert paper_supporter(1)["last_name"] not in html
    assert "0 of the 5 needed" in html  # the counts are of the whole list, whatever the filter


def test_a_bad_filter_is_said_and_the_whole_list_shown(verifying_initiative, clerk_of_gliwice, browser_for):
    response = browser_for(clerk_of_gliwice).get(page_url(verifying_initiative, "?verdict=maybe"))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert controls_of(response).rows == 6


def test_pages_of_fifty_keep_the_filter(verifying_initiative, clerk_of_gliwice, browser_for):
    add_signatures(verifying_initiative, 120)  # 126 rows: three pages
    browser = browser_for(clerk_of_gliwice)

    first = browser.get(page_url(verifying_initiative, "?verdict=unchecked"))
    last = browser.get(page_url(verifying_initiative, "?verdict=unchecked&page=3"))

    assert controls_of(first).rows == 50
    assert controls_of(last).rows == 26
    html = first.content.decode()
    assert "Page 1 of 3" in html
    assert "Rows 1\N{EN DASH}50 of 126" in html
    assert 'href="?verdict=unchecked&amp;page=2"' in html
    assert "Bąk-119" in last.content.decode()


def test_the_page_does_not_grow_with_the_list(verifying_initiative, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)
    browser.get(page_url(verifying_initiative))  # the session's first request loads what it caches

    with CaptureQueriesContext(connection) as short_list:
        browser.get(page_url(verifying_initiative))
    add_signatures(verifying_initiative, 300)
    with CaptureQueriesContext(connection) as long_list:
        response = browser.get(page_url(verifying_initiative, "?page=4"))

    assert controls_of(response).rows == 50
    assert len(long_list) == len(short_list)
    assert len(short_list) <= 12


def test_one_row_verdict_by_post(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    browser = browser_for(clerk_of_gliwice)

    response = browser.post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/verdicts/?verdict=unchecked",
        {"save": str(ids[2]), f"verdict-{ids[2]}": "invalid:not_resident", f"verdict-{ids[3]}": "valid"},
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(verifying_initiative, "?verdict=unchecked")
    assert stored(verifying_initiative)[2:4] == [("invalid", "not_resident"), ("unchecked", "")]
    assert Signature.objects.get(pk=ids[2]).verdict_by == clerk_of_gliwice
    page = browser.get(response["Location"]).content.decode()
    assert "1 verdict saved. Valid signatures: 0 of the 5 needed." in page


def test_a_row_saved_without_a_verdict_is_told_so(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    browser = browser_for(clerk_of_gliwice)

    response = browser.post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/verdicts/",
        {"save": str(ids[0]), f"verdict-{ids[0]}": ""},
        follow=True,
    )

    assert "Choose a verdict: valid, or invalid with its reason." in response.content.decode()
    assert set(stored(verifying_initiative)) == {("unchecked", "")}


def test_bulk_verdict_for_the_selected_rows(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    browser = browser_for(clerk_of_gliwice)

    response = browser.post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/verdicts/?page=1",
        {"selected": [str(pk) for pk in ids[:5]], "bulk_verdict": "valid", "bulk": "1"},
        follow=True,
    )

    assert [row[0] for row in stored(verifying_initiative)] == ["valid"] * 5 + ["unchecked"]
    html = response.content.decode()
    assert "5 verdicts saved. Valid signatures: 5 of the 5 needed." in html
    assert "The valid signatures reach the threshold" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bulk_verdict": "valid", "bulk": "1"}, "Select at least one row."),
        ({"selected": ["{a}"], "bulk_verdict": "", "bulk": "1"}, "Choose a verdict"),
        ({"selected": ["{a}"], "bulk_verdict": "invalid:looks_odd", "bulk": "1"}, "Choose a verdict"),
        ({"selected": ["{a}", "x"], "bulk_verdict": "valid", "bulk": "1"}, "The selection could not be read"),
        (
            {"selected": ["{a}", "999999999"], "bulk_verdict": "valid", "bulk": "1"},
            "is not on this initiative",
        ),
    ],
)
def test_bulk_mistakes_are_told_and_change_nothing(
    verifying_initiative, clerk_of_gliwice, browser_for, data, message
):
    first = str(ids_of(verifying_initiative)[0])
    data = {
        name: [v.format(a=first) for v in value] if isinstance(value, list) else value
        for name, value in data.items()
    }

    response = browser_for(clerk_of_gliwice).post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/verdicts/", data, follow=True
    )

    assert message in response.content.decode()
    assert set(stored(verifying_initiative)) == {("unchecked", "")}


def test_import_errors_are_listed_and_nothing_applied(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    content = f"id;verdict;reason\n{ids[0]};ważny;\n{ids[1]};nieważny;lost\n".encode()

    response = browser_for(clerk_of_gliwice).post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/import/",
        {"file": SimpleUploadedFile("werdykty.csv", content, content_type="text/csv")},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not imported" in html
    assert "line 3: unknown reason “lost”" in html
    assert "<title>Error:" in html
    assert set(stored(verifying_initiative)) == {("unchecked", "")}


def test_import_by_the_page(verifying_initiative, clerk_of_gliwice, browser_for):
    ids = ids_of(verifying_initiative)
    content = f"id;verdict;reason\r\n{ids[0]};ważny;\r\n{ids[1]};nieważny;duplicate\r\n".encode()

    response = browser_for(clerk_of_gliwice).post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/import/",
        {"file": SimpleUploadedFile("werdykty.csv", content)},
        follow=True,
    )

    assert "2 verdicts saved." in response.content.decode()
    assert stored(verifying_initiative)[:2] == [("valid", ""), ("invalid", "duplicate")]


def test_import_without_a_file_is_told(verifying_initiative, clerk_of_gliwice, browser_for):
    response = browser_for(clerk_of_gliwice).post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/import/"
    )

    assert response.status_code == 400
    assert "Choose the CSV file with the verdicts." in response.content.decode()


def test_before_the_verification_the_list_is_read_only(filed_initiative, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)

    response = browser.get(page_url(filed_initiative))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Verdicts can be given only while the signatures are under verification" in html
    assert controls_of(response).rows == 6
    assert not any(control.get("type") == "checkbox" for control in controls_of(response).controls)
    first = ids_of(filed_initiative)[0]
    refused = browser.post(
        f"/clerk/initiatives/{filed_initiative.pk}/signatures/verdicts/",
        {"save": str(first), f"verdict-{first}": "valid"},
        follow=True,
    )
    assert "Verdicts can be given only while" in refused.content.decode()
    assert Signature.objects.get(pk=first).verdict == "unchecked"


def test_the_csv_download(verifying_initiative, clerk_of_gliwice, browser_for):
    response = browser_for(clerk_of_gliwice).get(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures.csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).decode("utf-8-sig").count("\r\n") == 7
    assert PersonalDataAccess.objects.get().what == "csv_export"


PAGES = [
    ("get", "signatures/"),
    ("post", "signatures/verdicts/"),
    ("post", "signatures/import/"),
    ("get", "signatures.csv"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("persona", ["clerk_of_katowice", "author", "outsider"])
def test_everybody_else_gets_not_found(verifying_initiative, browser_for, request, persona, method, path):
    browser = browser_for(request.getfixturevalue(persona))
    first = ids_of(verifying_initiative)[0]

    response = getattr(browser, method)(
        f"/clerk/initiatives/{verifying_initiative.pk}/{path}",
        {"save": str(first), f"verdict-{first}": "valid"},
    )

    assert response.status_code == 404
    assert paper_supporter(1)["last_name"] not in response.content.decode()
    assert set(stored(verifying_initiative)) == {("unchecked", "")}
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_anonymous_and_a_clerk_without_the_code_go_to_the_sign_in(
    verifying_initiative, clerk_of_gliwice, method, path
):
    url = f"/clerk/initiatives/{verifying_initiative.pk}/{path}"
    without_code = Client()
    without_code.force_login(clerk_of_gliwice)

    for browser in (Client(), without_code):
        response = getattr(browser, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/?next=")
    assert not PersonalDataAccess.objects.exists()


def test_posts_need_the_csrf_token(verifying_initiative, clerk_of_gliwice, browser_for):
    browser = browser_for(clerk_of_gliwice)
    browser.handler.enforce_csrf_checks = True
    first = ids_of(verifying_initiative)[0]

    response = browser.post(
        f"/clerk/initiatives/{verifying_initiative.pk}/signatures/verdicts/",
        {"save": str(first), f"verdict-{first}": "valid"},
    )

    assert response.status_code == 403
    assert Signature.objects.get(pk=first).verdict == "unchecked"
