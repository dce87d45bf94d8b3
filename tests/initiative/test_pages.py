"""Committee pages with the Django test client: every step works by plain form posts (no JavaScript)."""

import re

import pytest
from django.core import mail

from initiative.models import CommitteeMember, Initiative
from tests.initiative.conftest import example


def draft_post(slug="nazwa-ulicy", action="save", **changes):
    fields, justification = example(slug)
    fields.update(changes)
    data = {f"f_{name}": value for name, value in fields.items()}
    data.update({f"j_{part}": text for part, text in justification.items()})
    data["action"] = action
    return data


@pytest.mark.django_db
def test_starting_an_initiative_needs_sign_in(client, demo_units):
    response = client.get("/initiatives/new/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_start_chooses_council_then_template_then_previews_and_saves(client, author, demo_units, templates):
    client.force_login(author)
    page = client.get("/initiatives/new/", {"search": "gliwice"}).content.decode()
    assert "?municipality=2466011" in page and '?municipality=2466"' not in page
    page = client.get("/initiatives/new/", {"municipality": "2466011"}).content.decode()
    assert "template=nazwa-ulicy" in page and "template=dowolna" in page

    url = "/initiatives/new/?municipality=2466011&template=nazwa-ulicy"
    preview = client.post(url, draft_post(action="preview")).content.decode()
    assert "Ireny Sendlerowej" in preview and "Rady Miasta Gliwice" in preview
    assert not Initiative.objects.exists()

    bad = client.post(url, draft_post(new_name="")).content.decode()
    assert "aria-invalid" in bad or "error-message" in bad
    assert not Initiative.objects.exists()

    response = client.post(url, draft_post())
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/initiatives/{initiative.pk}/manage/"
    manage = client.get(response["Location"]).content.decode()
    assert "at least 5 members" in manage or "co najmniej 5" in manage


@pytest.mark.django_db
def test_manage_page_invites_declares_opens_and_withdraws(
    client, author, make_user, ready_initiative, settings, django_capture_on_commit_callbacks
):
    client.force_login(author)
    base = f"/initiatives/{ready_initiative.pk}"
    assert client.get(f"{base}/manage/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/committee/invite/", {"email": "nowa@example.org"})
    assert response.status_code == 302
    link = re.search(
        rf"{re.escape(settings.SITE_URL)}(/committee/accept/[^/\s]+/)", mail.outbox[-1].body
    ).group(1)

    newcomer = make_user("nowa@example.org")
    client.force_login(newcomer)
    form = client.get(link)
    assert form.status_code == 200 and not CommitteeMember.objects.filter(user=newcomer).exists()
    response = client.post(link, {"full_name": "Nowa Członkini", "address": "Gliwice", "role": "member"})
    assert response.status_code == 302
    assert CommitteeMember.objects.get(user=newcomer).declared_at is not None

    client.force_login(author)
    assert client.get(f"{base}/open/").status_code == 405
    client.post(f"{base}/open/")
    assert Initiative.objects.get(pk=ready_initiative.pk).status == "collecting"
    public = client.get(f"{base}/").content.decode()
    assert "Nowa Członkini" in public and "Gliwice" in public and "<progress" in public
    assert "ul. Zwycięstwa" not in public  # addresses are for the council, not the public

    client.post(f"{base}/withdraw/", {"reason": "Rada przyjęła podobną uchwałę"})
    assert Initiative.objects.get(pk=ready_initiative.pk).status == "withdrawn"
    assert "Rada przyjęła podobną uchwałę" in client.get(f"{base}/").content.decode()


@pytest.mark.django_db
def test_refusal_is_shown_not_raised(client, author, start_initiative):
    initiative = start_initiative(author)
    client.force_login(author)
    response = client.post(f"/initiatives/{initiative.pk}/open/", follow=True)
    assert response.status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).status == "draft"


@pytest.mark.django_db
def test_outsiders_get_404_on_committee_pages(
    client, outsider, start_initiative, author, collecting_initiative
):
    draft = start_initiative(author)
    client.force_login(outsider)
    assert client.get(f"/initiatives/{draft.pk}/").status_code == 404
    assert client.get(f"/initiatives/{draft.pk}/manage/").status_code == 404
    assert client.get(f"/initiatives/{collecting_initiative.pk}/manage/").status_code == 404
    assert client.post(f"/initiatives/{collecting_initiative.pk}/withdraw/").status_code == 404
    assert client.get(f"/initiatives/{collecting_initiative.pk}/").status_code == 200
    assert Initiative.objects.get(pk=collecting_initiative.pk).status == "collecting"


@pytest.mark.django_db
def test_public_list_shows_open_initiatives_only(client, collecting_initiative, start_initiative, author):
    draft = start_initiative(author, new_name="Wisławy Szymborskiej")
    page = client.get("/initiatives/").content.decode()
    assert collecting_initiative.title in page and draft.title not in page
