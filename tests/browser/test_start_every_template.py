"""A new committee's first step, in a real browser: every shipped template is previewed and saved through
/initiatives/new/ with its example values, and the fields the council's data fill are never inputs."""

import re

import pytest

from legal_templates.catalogue import read_catalogue
from legal_templates.fields import CHOICE, UNIT_FIELD_TYPES
from tests.browser.conftest import in_thread

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "pierwsza.autorka@example.org", "dluga-fraza-do-zapamietania-42"


@pytest.fixture
def drafting_site(demo_site):
    """The demo councils, the catalogue loaded through its service, and a signed-up person."""
    from django.utils import timezone

    from accounts.models import User
    from legal_templates.services import templates_load

    templates_load()
    User.objects.create_user(EMAIL, PASSWORD, full_name="Pierwsza Autorka", email_confirmed_at=timezone.now())
    return demo_site


def test_every_shipped_template_is_previewed_and_saved_from_the_start_page(drafting_site, page):
    base = drafting_site.url
    page.goto(f"{base}/accounts/sign-in/?next=/initiatives/new/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/initiatives/new/"))

    catalogue = read_catalogue()
    saved = []
    for entry in catalogue:
        page.goto(f"{base}/initiatives/new/?municipality=2466011&template={entry.slug}")
        for field in entry.fields:
            selector = f"[name=f_{field['name']}]"
            if field["type"] in UNIT_FIELD_TYPES:
                assert page.locator(selector).count() == 0, f"{entry.slug}: {field['name']} is an input"
                continue
            value = entry.example.get(field["name"])
            if value is None:
                continue
            if field["type"] == CHOICE:
                page.select_option(selector, str(value))
            else:
                page.fill(selector, str(value))
        for part, text in entry.example_justification.items():
            page.fill(f"textarea[name=j_{part}]", text)

        page.click("button[value=preview]")
        page.wait_for_load_state()
        assert page.locator(".error-message").count() == 0, f"{entry.slug}: {page.inner_text('main')[:500]}"
        assert "Rady Miasta Gliwice" in page.inner_text("#draft-preview"), entry.slug

        page.click("button[value=save]")
        page.wait_for_url(re.compile(r"/initiatives/\d+/manage/"))
        saved.append(int(re.search(r"/initiatives/(\d+)/manage/", page.url).group(1)))

    def templates_of_saved_drafts():
        from initiative.models import Initiative

        return sorted(
            Initiative.objects.filter(pk__in=saved).values_list("template_version__template__slug", flat=True)
        )

    assert in_thread(templates_of_saved_drafts) == sorted(entry.slug for entry in catalogue)
