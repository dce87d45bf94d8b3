"""The clerk's pages (inbox, one initiative's screen with its decision forms), the committee's filing button
and the public timeline, with the Django test client: plain form posts, no JavaScript, pages in English."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiative.clerk.decisions import initiative_accept, initiative_start_verification
from initiative.clerk.verification import verdicts_set
from initiative.lifecycle import Status
from initiative.models import Initiative, Packet, StatusChange
from signatures.models import Signature
from tests.accounts.conftest import totp_code
from tests.conftest import PASSWORD
from tests.initiative.conftest import FILED_THRESHOLD, originals, receive, sign_on_paper

pytestmark = pytest.mark.django_db


def browser_of(user) -> Client:
    """A browser in English, signed in through the real pages: password, then a TOTP code for a clerk."""
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is None:
        return browser
    is_clerk = user.clerk_memberships.exists()
    if is_clerk:  # as `create_user --clerk-of` leaves a clerk: with a confirmed device
        device = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "authenticator"}
        )[0]
    response = browser.post("/accounts/sign-in/", {"email": user.email, "password": PASSWORD})
    if is_clerk:
        assert response["Location"] == "/accounts/sign-in/code/"
        response = browser.post("/accounts/sign-in/code/", {"code": totp_code(device.bin_key)})
    assert response.status_code == 302, response.content
    return browser


def text(response) -> str:
    """The page's visible text with tags dropped and spaces collapsed, to match sentences."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def mark_valid(initiative, clerk, count: int) -> None:
    ids = Signature.objects.filter(initiative=initiative).order_by("pk").values_list("pk", flat=True)[:count]
    verdicts_set(
        initiative_id=initiative.pk,
        clerk=clerk,
        verdicts=[{"signature": pk, "valid": True, "reason": ""} for pk in ids],
    )


def screen(initiative) -> str:
    return f"/clerk/initiatives/{initiative.pk}/"


# Access -------------------------------------------------------------------------------------------------


def test_anonymous_goes_to_the_sign_in(filed_initiative):
    for url in ("/clerk/", screen(filed_initiative)):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_a_clerk_without_the_second_factor_goes_to_the_sign_in(filed_initiative, clerk_of_gliwice):
    browser = Client()
    browser.force_login(clerk_of_gliwice)
    assert browser.get(screen(filed_initiative))["Location"].startswith("/accounts/sign-in/")
    response = browser.post(f"{screen(filed_initiative)}start-verification/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("persona", ["clerk_of_katowice", "author", "outsider"])
def test_others_get_404_and_change_nothing(request, filed_initiative, clerk_of_gliwice, persona):
    browser = browser_of(request.getfixturevalue(persona))
    assert browser.get(screen(filed_initiative)).status_code == 404
    for action, data in [
        ("start-verification", {}),
        ("accept", {"session_date": timezone.localdate().isoformat()}),
        ("request-supplement", {}),
        ("reject", {"reasons": "Nie."}),
        ("outcome", {"outcome": "adopted"}),
    ]:
        assert browser.post(f"{screen(filed_initiative)}{action}/", data).status_code == 404
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.SUBMITTED
    inbox = browser.get("/clerk/")
    assert inbox.status_code == 200 and filed_initiative.title not in inbox.content.decode()


def test_decisions_are_posts_only(filed_initiative, clerk_of_gliwice):
    assert (
        browser_of(clerk_of_gliwice).get(f"{screen(filed_initiative)}start-verification/").status_code == 405
    )


def test_the_menu_shows_the_council_office_to_clerks_only(filed_initiative, clerk_of_gliwice, outsider):
    assert 'href="/clerk/"' in browser_of(clerk_of_gliwice).get("/").content.decode()
    assert 'href="/clerk/"' not in browser_of(outsider).get("/").content.decode()


# Inbox --------------------------------------------------------------------------------------------------


def test_inbox_lists_the_councils_initiatives_with_counts_and_deadline(filed_initiative, clerk_of_gliwice):
    browser = browser_of(clerk_of_gliwice)  # one sign-in: a TOTP code is taken once
    assert "receipt not recorded" in text(browser.get("/clerk/"))
    receive(filed_initiative, clerk_of_gliwice)
    page = browser.get("/clerk/")
    assert page.status_code == 200
    body = text(page)
    filed_initiative.refresh_from_db()
    left = (filed_initiative.consideration_deadline - timezone.localdate()).days
    assert filed_initiative.title in body and filed_initiative.municipality.council_name in body
    assert f"{left} days left" in body and "Deadline close" not in body
    assert f"0 / 0 / {FILED_THRESHOLD + 1} ({FILED_THRESHOLD})" in body
    assert "version 1: being prepared" in body
    assert f'href="{screen(filed_initiative)}"' in page.content.decode()


def test_inbox_marks_a_close_deadline_in_words(filed_initiative, clerk_of_gliwice):
    Initiative.objects.filter(pk=filed_initiative.pk).update(
        consideration_deadline=timezone.localdate() + datetime.timedelta(days=10)
    )
    body = text(browser_of(clerk_of_gliwice).get("/clerk/"))
    assert "Deadline close: 10 days left" in body


def test_inbox_orders_by_deadline(filed_initiative, clerk_of_gliwice):
    receive(filed_initiative, clerk_of_gliwice)
    sooner = Initiative.objects.get(pk=filed_initiative.pk)
    sooner.pk = None
    sooner.title = "Wcześniejszy termin"
    sooner.save()
    Initiative.objects.filter(pk=sooner.pk).update(consideration_deadline=timezone.localdate())
    body = browser_of(clerk_of_gliwice).get("/clerk/").content.decode()
    assert body.index("Wcześniejszy termin") < body.index(filed_initiative.title)


# The initiative's screen and its decisions ------------------------------------------------------------------


def test_screen_shows_summary_packet_link_and_only_the_decision_that_fits(filed_initiative, clerk_of_gliwice):
    page = browser_of(clerk_of_gliwice).get(screen(filed_initiative))
    markup, body = page.content.decode(), text(page)
    assert page.status_code == 200 and markup.count("<h1") == 1
    assert f"Signatures needed {FILED_THRESHOLD}" in body
    assert f"Signatures not yet checked {FILED_THRESHOLD + 1}" in body
    assert f'href="/clerk/initiatives/{filed_initiative.pk}/signatures/"' in markup
    assert "being prepared" in body  # packet version 1
    # Verification waits for the day of receipt, which the screen asks for first.
    assert 'action="' + screen(filed_initiative) + 'receive/"' in markup
    assert "not recorded yet" in body
    for other in ("start-verification", "accept", "reject", "request-supplement", "outcome"):
        assert f'action="{screen(filed_initiative)}{other}/"' not in markup
    assert "Timeline" in body and "filed" in body


def test_a_ready_packet_has_its_download_link(filed_initiative, clerk_of_gliwice):
    Packet.objects.filter(initiative=filed_initiative).update(
        status="ready", sha256="a" * 64, merkle_root="b" * 64, ready_at=timezone.now(), records=6
    )
    markup = browser_of(clerk_of_gliwice).get(screen(filed_initiative)).content.decode()
    assert f'href="/api/v1/initiatives/{filed_initiative.pk}/packet.pdf?version=1"' in markup
    assert "a" * 64 in markup


def test_the_whole_path_through_the_forms(filed_initiative, clerk_of_gliwice):
    browser = browser_of(clerk_of_gliwice)
    url = screen(filed_initiative)

    response = browser.post(f"{url}receive/", {"received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and response["Location"] == url
    assert "The day of receipt is recorded" in text(browser.get(url))
    response = browser.post(f"{url}start-verification/")
    assert response.status_code == 302 and response["Location"] == url
    page = browser.get(url)
    assert "Verification has started" in text(page)
    markup = page.content.decode()
    assert f'action="{url}accept/"' in markup and f'action="{url}reject/"' in markup
    assert f'action="{url}request-supplement/"' not in markup  # Gliwice's rules give no supplement period
    assert '<label for="id_session_date">' in markup and 'type="date"' in markup

    # Below the threshold: the refusal is shown as a message, nothing changes.
    response = browser.post(f"{url}accept/", {"session_date": timezone.localdate().isoformat()}, follow=True)
    assert "found valid: 0 of the 5 needed" in text(response)
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.UNDER_VERIFICATION

    # The paper originals come before verdicts on paper rows.
    response = browser.post(
        f"{url}originals/", {"received_on": timezone.localdate().isoformat()}, follow=True
    )
    assert "The paper originals are recorded" in text(response)
    mark_valid(filed_initiative, clerk_of_gliwice, FILED_THRESHOLD)
    # An empty date: the error beside the field, the state unchanged.
    response = browser.post(f"{url}accept/", {"session_date": ""})
    assert response.status_code == 400 and 'id="id_session_date_error"' in response.content.decode()
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.UNDER_VERIFICATION

    session = timezone.localdate() + datetime.timedelta(days=7)
    response = browser.post(f"{url}accept/", {"session_date": session.isoformat()}, follow=True)
    assert "accepted for the council's session" in text(response)
    assert "days left" not in text(response)  # the term no longer runs once accepted
    assert Initiative.objects.get(pk=filed_initiative.pk).session_date == session
    markup = response.content.decode()
    assert f'action="{url}outcome/"' in markup and 'type="radio"' in markup and "<legend>" in markup

    response = browser.post(f"{url}outcome/", {"outcome": "adopted", "resolution_number": "XII/150/2026"})
    assert response.status_code == 302
    initiative = Initiative.objects.get(pk=filed_initiative.pk)
    assert initiative.status == Status.ADOPTED and initiative.outcome_resolution_number == "XII/150/2026"

    public = text(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/initiatives/{filed_initiative.pk}/"))
    assert "verification started" in public
    assert "for the council's session on" in public
    assert "outcome recorded: adopted by the council, resolution no. XII/150/2026" in public


def test_accept_shows_the_deadline_warning(filed_initiative, clerk_of_gliwice):
    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    originals(filed_initiative, clerk_of_gliwice)
    mark_valid(filed_initiative, clerk_of_gliwice, FILED_THRESHOLD)
    Initiative.objects.filter(pk=filed_initiative.pk).update(
        consideration_deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    browser = browser_of(clerk_of_gliwice)
    assert "5 days left" in text(browser.get(screen(filed_initiative)))  # before deciding, on the screen
    response = browser.post(
        f"{screen(filed_initiative)}accept/", {"session_date": timezone.localdate().isoformat()}, follow=True
    )
    assert "The council must take the draft by" in text(response) and "5 days left" in text(response)


def test_reject_needs_reasons_and_shows_them_publicly(filed_initiative, clerk_of_gliwice):
    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    originals(filed_initiative, clerk_of_gliwice)
    browser = browser_of(clerk_of_gliwice)
    response = browser.post(f"{screen(filed_initiative)}reject/", {"reasons": "  "})
    assert response.status_code == 400
    assert 'id="id_reasons_error"' in response.content.decode() and "Give the reasons" in text(response)
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.UNDER_VERIFICATION

    reasons = "Projekt dotyczy budżetu gminy — to wyłączna kompetencja wójta."
    assert browser.post(f"{screen(filed_initiative)}reject/", {"reasons": reasons}).status_code == 302
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.REJECTED
    public = text(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/initiatives/{filed_initiative.pk}/"))
    assert f"rejected — reasons: {reasons}" in public


def test_supplement_form_where_the_rules_allow_it(filed_initiative, clerk_of_gliwice):
    rules = {**Initiative.objects.get(pk=filed_initiative.pk).rules, "supplement_days": 7}
    Initiative.objects.filter(pk=filed_initiative.pk).update(rules=rules)
    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    originals(filed_initiative, clerk_of_gliwice)
    browser = browser_of(clerk_of_gliwice)
    url = screen(filed_initiative)
    assert "one supplement period of 7 days" in text(browser.get(url))

    response = browser.post(f"{url}request-supplement/", {"reason": "Brakuje podpisów."}, follow=True)
    assert "The supplement period has started" in text(response)
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.COLLECTING
    body = text(response)
    # The council's term keeps running through the supplement period (art. 41a ust. 5 u.s.g.).
    deadline = Initiative.objects.get(pk=filed_initiative.pk).consideration_deadline
    assert "supplement period" in body and "The council must take the draft by" in body
    assert deadline is not None and "The clock stopped" not in body
    assert f'action="{url}request-supplement/"' not in response.content.decode()


def test_a_refused_outcome_shows_the_error_beside_the_field(filed_initiative, clerk_of_gliwice):
    receive(filed_initiative, clerk_of_gliwice)
    initiative_start_verification(initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice)
    originals(filed_initiative, clerk_of_gliwice)
    mark_valid(filed_initiative, clerk_of_gliwice, FILED_THRESHOLD)
    initiative_accept(
        initiative_id=filed_initiative.pk, clerk=clerk_of_gliwice, session_date=timezone.localdate()
    )
    response = browser_of(clerk_of_gliwice).post(
        f"{screen(filed_initiative)}outcome/", {"outcome": "not_adopted", "resolution_number": "XII/1/2026"}
    )
    assert response.status_code == 400 and 'id="id_resolution_number_error"' in response.content.decode()
    assert Initiative.objects.get(pk=filed_initiative.pk).status == Status.ACCEPTED


# The committee's side: the filing button, the packet after filing --------------------------------------


def manage(initiative) -> str:
    return f"/initiatives/{initiative.pk}/manage/"


def test_the_manage_page_files_once_the_threshold_is_reached(collecting_initiative, author):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    browser = browser_of(author)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD - 1)
    page = browser.get(manage(collecting_initiative))
    assert "4 of the 5 signatures needed are counted" in text(page)
    assert f'action="/initiatives/{collecting_initiative.pk}/submit/"' not in page.content.decode()
    assert "can be filed once the threshold is reached" in text(page)
    # A forged POST below the threshold gets the refusal as a message.
    response = browser.post(f"/initiatives/{collecting_initiative.pk}/submit/", follow=True)
    assert "4 of the 5 signatures it needs" in text(response)
    assert Initiative.objects.get(pk=collecting_initiative.pk).status == Status.COLLECTING

    sign_on_paper(collecting_initiative, author, 1, first=FILED_THRESHOLD)
    page = browser.get(manage(collecting_initiative))
    assert f'action="/initiatives/{collecting_initiative.pk}/submit/"' in page.content.decode()
    assert "the list of supporters is frozen" in text(page)
    response = browser.post(f"/initiatives/{collecting_initiative.pk}/submit/", follow=True)
    assert "The initiative is filed with the council" in text(response)
    assert Initiative.objects.get(pk=collecting_initiative.pk).status == Status.SUBMITTED
    assert "Version 1: being prepared" in text(response)
    assert StatusChange.objects.filter(
        initiative=collecting_initiative, action="submit", actor=author
    ).exists()


def test_the_manage_page_links_the_ready_packet(filed_initiative, author):
    Packet.objects.filter(initiative=filed_initiative).update(
        status="ready", sha256="a" * 64, merkle_root="b" * 64, ready_at=timezone.now()
    )
    markup = browser_of(author).get(manage(filed_initiative)).content.decode()
    assert f'href="/api/v1/initiatives/{filed_initiative.pk}/packet.pdf?version=1"' in markup


def test_the_filing_button_is_the_committees_only(collecting_initiative, author, outsider):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(signature_threshold=FILED_THRESHOLD)
    sign_on_paper(collecting_initiative, author, FILED_THRESHOLD)
    assert browser_of(outsider).post(f"/initiatives/{collecting_initiative.pk}/submit/").status_code == 404
    anonymous = Client().post(f"/initiatives/{collecting_initiative.pk}/submit/")
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    assert Initiative.objects.get(pk=collecting_initiative.pk).status == Status.COLLECTING
