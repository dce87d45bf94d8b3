"""Every kind of page under the Content-Security-Policy in a real Chromium: no violation is reported, and
the pages that need scripts (the draft's preview, the API documentation) still work.

A violation shows twice in the browser: as a `securitypolicyviolation` event in the page, and as a console
error; both are collected, from before the page's own scripts run.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.test_filing_flow import sign_in

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const what = `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`;
  window.__cspViolations.push(`${what} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    """A browser context whose pages report what the policy blocked."""

    def __init__(self, browser, base: str, session: str | None = None):
        self.context = browser.new_context(locale="pl-PL")
        self.context.add_init_script(LISTEN)
        if session:
            self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        self.base = base

    def visit(self, path: str, *, ready: str | None = None) -> list[str]:
        response = self.page.goto(self.base + path)
        assert response.status < 400, (path, response.status)
        if ready:
            self.page.wait_for_selector(ready)
        self.page.wait_for_load_state("networkidle")
        return self.violations()

    def violations(self) -> list[str]:
        found = self.page.evaluate("() => window.__cspViolations") + self.console
        self.console.clear()
        return found


def session_of(user) -> str:
    """A signed-in session made before the browser starts (the ORM may not run in Playwright's loop)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def committee_session(transactional_db, collecting_initiative, author) -> tuple[int, str]:
    return collecting_initiative.pk, session_of(author)


def test_public_and_committee_pages_report_no_violations(committee_session, demo_site, browser):
    initiative_id, session = committee_session
    anonymous = Watched(browser, demo_site.url)
    public = [
        "/",
        "/councils/?search=Gliwice",
        "/councils/2466011/",
        "/initiatives/",
        f"/initiatives/{initiative_id}/",
        f"/initiatives/{initiative_id}/sign/",
        f"/initiatives/{initiative_id}/privacy/",
        "/packets/verify/",
        "/accounts/sign-in/",
        "/accounts/sign-up/",
        "/accounts/password-reset/",
        "/admin/login/",
    ]
    for path in public:
        found = anonymous.visit(path)
        assert found == [], f"{path}: {found}"
    # The API's documentation renders its operations: its scripts ran under the policy.
    found = anonymous.visit("/api/docs/", ready=".swagger-ui .opblock")
    assert found == [], "\n".join(found)

    member = Watched(browser, demo_site.url, session)
    for path in (
        f"/initiatives/{initiative_id}/manage/",
        f"/initiatives/{initiative_id}/paper/",
        f"/initiatives/{initiative_id}/paper/scans/",
        "/initiatives/mine/",
        "/accounts/",
    ):
        found = member.visit(path)
        assert found == [], f"{path}: {found}"

    # The draft's preview: a script file follows the typing and puts the server's rendering in the page.
    assert member.visit("/initiatives/new/?municipality=2466011&template=nazwa-ulicy") == []
    member.page.select_option("select[name=f_object_kind]", "ulica")
    member.page.fill("input[name=f_new_name]", "Ireny Sendlerowej")
    member.page.fill("input[name=f_location]", "w dzielnicy Sośnica, od ulicy Kozielskiej do ulicy Łąkowej")
    member.page.fill("textarea[name=j_need]", "Nowa droga nie ma nazwy, więc domy nie mają numerów.")
    member.page.fill("textarea[name=j_present_state]", "Droga jest działką gminną bez nazwy.")
    member.page.fill("textarea[name=j_effects]", "Skutki finansowe: dwie tablice z nazwą, ok. 1 500 zł.")
    with member.page.expect_response(lambda response: "/preview/" in response.url, timeout=15_000) as preview:
        member.page.fill("textarea[name=j_funding]", "Dochody własne gminy, dział 600.")
    assert preview.value.status == 200, preview.value.text()
    member.page.wait_for_function(
        "() => document.getElementById('draft-preview').innerText.includes('Rady Miasta Gliwice')",
        timeout=15_000,
    )
    assert member.violations() == []


@pytest.fixture
def filed_for_clerk(threshold_reached, author, clerk_of_gliwice):
    """Filed with the council (the packet built), and a clerk with an authenticator, before the browser."""
    from initiative.filing.submit import initiative_submit

    initiative_id, totp_key = threshold_reached
    initiative_submit(initiative_id=initiative_id, actor=author)
    return initiative_id, clerk_of_gliwice.email, totp_key


def test_the_clerks_pages_report_no_violations(filed_for_clerk, demo_site, browser):
    initiative_id, email, totp_key = filed_for_clerk
    clerk = Watched(browser, demo_site.url)
    sign_in(clerk.page, demo_site.url, email, totp_key=totp_key)
    assert clerk.violations() == []
    for path in (
        "/clerk/",
        f"/clerk/initiatives/{initiative_id}/",
        f"/clerk/initiatives/{initiative_id}/signatures/",
    ):
        assert clerk.visit(path) == [], path
    # The verification table uses the whole width of the screen (its style moved into site.css).
    clerk.page.set_viewport_size({"width": 1400, "height": 900})
    width = clerk.page.evaluate("() => document.querySelector('main').getBoundingClientRect().width")
    assert width > 1000
    assert re.search(r"/clerk/initiatives/\d+/signatures/", clerk.page.url)
