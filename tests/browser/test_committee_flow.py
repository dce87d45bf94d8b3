"""From an empty account to an initiative open for signatures, in a real browser (issue: drafting)."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def committee_site(demo_site):
    from legal_templates.services import templates_load

    templates_load()
    return demo_site


def add_four_members(initiative_id: int, author_email: str) -> None:
    from accounts.models import User
    from initiative import committee
    from initiative.tokens import invitation_token

    author = User.objects.get(email=author_email)
    for number in range(4):
        member = User.objects.create_user(email=f"m{number}@example.org", password=None)
        invitation = committee.committee_invite(initiative_id=initiative_id, actor=author, email=member.email)
        committee.committee_accept(
            token=invitation_token(invitation.pk),
            user=member,
            full_name=f"Członek {'ABCD'[number]}",  # a name holds letters only
            address="Gliwice",
            role="member",
        )


def test_committee_goes_from_sign_up_to_open_collection(committee_site, page):
    base = committee_site.url
    page.goto(f"{base}/accounts/sign-up/")
    page.fill("input[name=email]", "nowy.komitet@example.org")
    page.fill("input[name=full_name]", "Nowy Komitet")
    page.fill("input[name=password1]", "dluga-fraza-do-zapamietania-42")
    page.fill("input[name=password2]", "dluga-fraza-do-zapamietania-42")
    page.locator("main form button[type=submit]").click()
    link = re.search(r"/accounts/confirm/[^\s]+/", mail.outbox[-1].body).group(0)
    page.goto(base + link)
    page.fill("input[name=password]", "dluga-fraza-do-zapamietania-42")
    page.locator("main form button[type=submit]").click()

    page.goto(f"{base}/accounts/sign-in/?next=/initiatives/new/")
    page.fill("input[name=email]", "nowy.komitet@example.org")
    page.fill("input[name=password]", "dluga-fraza-do-zapamietania-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/initiatives/new/"))

    page.fill("input[name=search]", "Gliwice")
    page.keyboard.press("Enter")
    page.click("a[href='?municipality=2466011']")
    page.click("a[href*='template=nazwa-ulicy']")
    page.select_option("select[name=f_object_kind]", "ulica")
    page.fill("input[name=f_new_name]", "Ireny Sendlerowej")
    page.fill("input[name=f_location]", "w dzielnicy Sośnica, od ulicy Kozielskiej do ulicy Łąkowej")
    page.fill("textarea[name=j_need]", "Nowa droga nie ma nazwy, więc domy nie mają numerów.")
    page.fill("textarea[name=j_present_state]", "Droga jest działką gminną bez nazwy.")
    page.fill("textarea[name=j_effects]", "Skutki finansowe: dwie tablice z nazwą, ok. 1 500 zł.")
    page.fill("textarea[name=j_funding]", "Dochody własne gminy, dział 600.")
    page.click("button[value=preview]")
    assert "Rady Miasta Gliwice" in page.inner_text("#draft-preview")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/initiatives/\d+/manage/"))
    initiative_id = int(re.search(r"/initiatives/(\d+)/manage/", page.url).group(1))

    page.fill("input[name=full_name]", "Nowy Komitet")
    page.fill("input[name=address]", "ul. Zwycięstwa 1, 44-100 Gliwice")
    page.select_option("select[name=role]", "representative")
    page.click(f"form[action='/initiatives/{initiative_id}/committee/declare/'] button")
    in_thread(lambda: add_four_members(initiative_id, "nowy.komitet@example.org"))

    page.reload()
    page.click(f"form[action='/initiatives/{initiative_id}/open/'] button")
    page.goto(f"{base}/initiatives/{initiative_id}/")
    assert "nadania ulicy nazwy „Ireny Sendlerowej”" in page.inner_text("h1")
    assert "300" in page.inner_text("#support-title + p")
    status = in_thread(
        lambda: __import__("initiative.models").models.Initiative.objects.get(pk=initiative_id).status
    )
    assert status == "collecting"
