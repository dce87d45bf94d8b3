"""The committee's name, correspondence address and contact (initiative.contact; art. 41a ust. 4 u.s.g.)."""

import pytest
from django.utils import translation

from initiative import services
from initiative.contact import committee_contact, committee_contact_set
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.models import CommitteeContact, Initiative

CONTACT = {
    "name": "Komitet „Zielona Ulica”",
    "address": "ul. Zwycięstwa 7, 44-100 Gliwice",
    "email": "komitet@example.org",
    "phone": "+48 600 100 200",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_defaults_come_from_the_representatives_declaration(ready_initiative, author):
    contact = committee_contact(ready_initiative)
    assert contact.name == f"Komitet Inicjatywy Uchwałodawczej {ready_initiative.title}"
    assert contact.address == "ul. Zwycięstwa 1, 44-100 Gliwice"  # the author declared as representative
    assert contact.email == author.email
    assert contact.complete and not contact.recorded


@pytest.mark.django_db
def test_without_a_representative_the_first_declared_member_speaks(start_initiative, author, join_committee):
    initiative = start_initiative(author)
    assert any("correspondence address" in problem for problem in services.open_refusals(initiative))
    first = join_committee(initiative, author)
    join_committee(initiative, author)
    contact = committee_contact(initiative)
    assert (contact.address, contact.email) == ("ul. Zwycięstwa 1, 44-100 Gliwice", first.email)
    assert not any("correspondence address" in problem for problem in services.open_refusals(initiative))


@pytest.mark.django_db
def test_the_committee_sets_its_contact_and_opening_keeps_it(ready_initiative, author):
    committee_contact_set(initiative_id=ready_initiative.pk, actor=author, **CONTACT)
    services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    row = CommitteeContact.objects.get(initiative=ready_initiative)
    assert (row.name, row.address, row.email, row.phone) == tuple(CONTACT.values())


@pytest.mark.django_db
def test_opening_records_the_defaults_so_the_sheets_keep_their_name(ready_initiative, author):
    services.initiative_open(initiative_id=ready_initiative.pk, actor=author)
    row = CommitteeContact.objects.get(initiative=ready_initiative)
    assert row.name == f"Komitet Inicjatywy Uchwałodawczej {ready_initiative.title}"
    assert committee_contact(ready_initiative).recorded


@pytest.mark.django_db
def test_after_opening_the_address_may_change_but_not_the_name(collecting_initiative, author):
    name = committee_contact(collecting_initiative).name
    changed = committee_contact_set(
        initiative_id=collecting_initiative.pk, actor=author, **{**CONTACT, "name": name}
    )
    assert changed.address == CONTACT["address"]
    with pytest.raises(InvalidInput) as refused:
        committee_contact_set(initiative_id=collecting_initiative.pk, actor=author, **CONTACT)
    assert "name" in refused.value.errors
    assert committee_contact(collecting_initiative).name == name


@pytest.mark.django_db
def test_no_change_after_filing(collecting_initiative, author):
    Initiative.objects.filter(pk=collecting_initiative.pk).update(status="submitted")
    with pytest.raises(TransitionRefused):
        committee_contact_set(initiative_id=collecting_initiative.pk, actor=author, **CONTACT)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Komitet"}, "name"),
        ({"address": ""}, "address"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"email": "", "phone": ""}, "email"),
    ],
)
def test_bad_contact_is_refused_and_changes_nothing(ready_initiative, author, change, field):
    with pytest.raises(InvalidInput) as refused:
        committee_contact_set(initiative_id=ready_initiative.pk, actor=author, **{**CONTACT, **change})
    assert field in refused.value.errors
    assert not CommitteeContact.objects.filter(initiative=ready_initiative).exists()


@pytest.mark.django_db
def test_only_members_see_or_set_it(ready_initiative, make_user):
    stranger = make_user("obcy@example.org")
    with pytest.raises(NotVisible):
        committee_contact_set(initiative_id=ready_initiative.pk, actor=stranger, **CONTACT)


@pytest.mark.django_db
def test_api_reads_and_writes_the_contact_members_only(api_client, ready_initiative, author, make_user):
    url = f"/api/v1/initiatives/{ready_initiative.pk}/committee/contact/"
    api_client.force_login(make_user("obcy@example.org"))
    assert api_client.get(url).status_code == 404
    api_client.force_login(author)
    assert api_client.get(url).json()["recorded"] is False
    answer = api_client.put(url, CONTACT, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {**CONTACT, "recorded": True}
    assert api_client.put(url, {**CONTACT, "phone": "x"}, format="json").status_code == 400
    assert api_client.get(url).json()["phone"] == CONTACT["phone"]


@pytest.mark.django_db
def test_manage_page_form_saves_the_contact_and_stores_it_encrypted(client, ready_initiative, author):
    from django.db import connection

    client.force_login(author)
    page = client.get(f"/initiatives/{ready_initiative.pk}/manage/")
    assert f'action="/initiatives/{ready_initiative.pk}/committee/contact/"' in page.content.decode()
    form = {f"contact-{key}": value for key, value in CONTACT.items()}
    answer = client.post(f"/initiatives/{ready_initiative.pk}/committee/contact/", form, follow=True)
    assert "Dane kontaktowe komitetu zostały zapisane." in answer.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("select address, email, phone from initiative_committeecontact")
        stored = " ".join(cursor.fetchone())
    assert "Zwycięstwa" not in stored and "komitet@" not in stored and "600" not in stored


@pytest.mark.django_db
def test_the_letter_heading_prints_the_address_and_contact(ready_initiative, author):
    from initiative.filing.packet.wording import committee_address

    committee_contact_set(initiative_id=ready_initiative.pk, actor=author, **CONTACT)
    services.initiative_open(initiative_id=ready_initiative.pk, actor=author)

    class Facts:
        contact = committee_contact(ready_initiative)

    assert committee_address(Facts) == [
        "adres do korespondencji: ul. Zwycięstwa 7, 44-100 Gliwice",
        "e-mail: komitet@example.org, tel. +48 600 100 200",
    ]
