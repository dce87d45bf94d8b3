"""The supporters' pages without JavaScript: the sign form, the e-mail landings and the privacy notice.

Pages are asked for in English, so that the assertions hold before and after the Polish catalogue learns
these strings; what a Polish reader sees is checked where it depends on grammar (the council's genitive).
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from initiative import services
from initiative.services import initiative_withdraw
from municipalities.local_rules import local_rules_import
from signatures.forms import declaration_text
from signatures.models import Signature, SignatureStatus
from signatures.selectors import support_count
from tests.initiative.conftest import complete_committee
from tests.signatures.conftest import sign_page_form

POWIAT_RULES = {
    "teryt": "2413",
    "resolution": "XXI/180/2020",
    "adopted_on": "2020-05-28",
    "committee_min": 5,
    "representative": "optional",
    "identifier": "pesel",
    "signature_methods": ["paper", "email"],
    "collection_days": None,
    "verification_days": None,
    "supplement_days": None,
}
ADULT_PESEL = "44051401458"  # a valid test number: born 14 May 1944


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def powiat_initiative(start_initiative, join_committee, author):
    """Collecting in a powiat whose rules ask for PESEL and accept e-mail: Polish citizens only."""
    local_rules_import([POWIAT_RULES])
    initiative = start_initiative(
        author,
        teryt="2413",
        slug="dowolna",
        subject="utworzenia powiatowej rady seniorów",
        legal_basis="art. 12 pkt 11 ustawy z dnia 5 czerwca 1998 r. o samorządzie powiatowym "
        "(Dz. U. z 2024 r. poz. 107, z późn. zm.)",
    )
    complete_committee(initiative, author, join_committee, address="ul. Górnicza 1, 42-600 Tarnowskie Góry")
    return services.initiative_open(initiative_id=initiative.pk, actor=author)


def sign_url(initiative) -> str:
    return f"/initiatives/{initiative.pk}/sign/"


def field_names(html: str) -> set[str]:
    """The names of the fields of the sign form (not the language switch)."""
    form = html[html.index('<form class="sign-form"') :]
    form = form[: form.index("</form>")]
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', form)) - {"csrfmiddlewaretoken"}


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def link_token(kind: str) -> str:
    return re.search(rf"/signatures/{kind}/([^/\s]+)/", mail.outbox[-1].body).group(1)


def sign_and_confirm(client, initiative, capture) -> str:
    """Sign on the page and confirm from the e-mail; returns the withdrawal token from the receipt."""
    with capture(execute=True):
        client.post(sign_url(initiative), sign_page_form())
    token = link_token("confirm")
    with capture(execute=True):
        client.post(f"/signatures/confirm/{token}/")
    return link_token("withdraw")


# The form


@pytest.mark.django_db
def test_gliwice_asks_for_the_date_of_birth_and_citizenship_not_pesel(client, collecting_initiative):
    response = client.get(sign_url(collecting_initiative))
    html = response.content.decode()

    assert response.status_code == 200
    assert field_names(html) == {
        "first_names",
        "last_name",
        "address",
        "birth_day",
        "birth_month",
        "birth_year",
        "citizenship",
        "email",
        "declaration",
        "privacy_notice",
    }
    assert 'autocomplete="given-name"' in input_tag(html, "first_names")
    assert 'autocomplete="family-name"' in input_tag(html, "last_name")
    assert 'autocomplete="street-address"' in input_tag(html, "address")
    assert 'autocomplete="email"' in input_tag(html, "email")
    assert 'autocomplete="bday-year"' in input_tag(html, "birth_year")
    assert 'inputmode="numeric"' in input_tag(html, "birth_day")
    assert re.findall(r'name="citizenship" value="(\w+)"', html) == ["PL", "EU", "UK"]
    assert "Rada Miasta Gliwice" in html and collecting_initiative.title in html
    assert f'href="/initiatives/{collecting_initiative.pk}/privacy/"' in html
    # Gliwice counts paper signatures only: said before the form, with the way to a binding one.
    notice = html.index("Support by e-mail does not count here")
    assert notice < html.index('<form class="sign-form"')
    assert "the committee has the sheets" in html


@pytest.mark.django_db
def test_a_pesel_council_at_powiat_level_asks_for_pesel_and_no_citizenship(client, powiat_initiative):
    html = client.get(sign_url(powiat_initiative)).content.decode()

    assert field_names(html) == {
        "first_names",
        "last_name",
        "address",
        "pesel",
        "email",
        "declaration",
        "privacy_notice",
    }
    assert 'inputmode="numeric"' in input_tag(html, "pesel")
    assert "Only Polish citizens have the right to vote for this council." in html
    assert "does not count here" not in html  # e-mail is a binding form under these rules


@pytest.mark.django_db
def test_the_declaration_names_the_council_in_the_polish_genitive(collecting_initiative):
    with translation.override("pl"):
        assert "Rady Miasta Gliwice" in declaration_text(collecting_initiative)
    with translation.override("en"):
        assert "Rada Miasta Gliwice" in declaration_text(collecting_initiative)


@pytest.mark.django_db
def test_a_valid_entry_redirects_to_check_your_email_and_sends_the_link(
    client, collecting_initiative, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(collecting_initiative), sign_page_form())

    done = f"/initiatives/{collecting_initiative.pk}/sign/done/"
    assert (response.status_code, response["Location"]) == (302, done)
    assert "Kowalski" not in response["Location"] and "1980" not in response["Location"]
    assert mail.outbox[-1].to == ["jan.kowalski@example.org"]
    assert f"{settings.SITE_URL}/signatures/confirm/" in mail.outbox[-1].body
    signature = Signature.objects.get()
    assert (signature.status, signature.birth_date, signature.citizenship) == ("pending", "1980-03-15", "PL")
    page = client.get(done).content.decode()
    assert "Check your e-mail" in page and "jan.kowalski@example.org" not in page


@pytest.mark.django_db
def test_a_pesel_entry_at_powiat_level_is_recorded_as_a_polish_citizen(
    client, powiat_initiative, django_capture_on_commit_callbacks
):
    data = sign_page_form(
        pesel="440514 01458", birth_day=None, birth_month=None, birth_year=None, citizenship=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(powiat_initiative), data)

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.pesel, signature.birth_date, signature.citizenship) == (ADULT_PESEL, "", "PL")


@pytest.mark.django_db
def test_a_person_who_signed_before_sees_the_same_page(
    client, collecting_initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(sign_url(collecting_initiative), sign_page_form())
        second = client.post(sign_url(collecting_initiative), sign_page_form(email="inny@example.org"))

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert Signature.objects.count() == 1
    assert mail.outbox[-1].to == ["inny@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"birth_day": "", "birth_month": "", "birth_year": ""}, "id_birth_day", "Enter your date of birth."),
        ({"birth_month": ""}, "id_birth_day", "Enter the day, the month and the year of your birth."),
        ({"birth_day": "31", "birth_month": "2"}, "id_birth_day", "There is no such date"),
        ({"birth_year": "80"}, "id_birth_day", "Enter the year with four digits"),
        ({"birth_year": "2015"}, "id_birth_day", "Only people aged 18 or more"),
        ({"citizenship": None}, "id_citizenship_0", "Choose your citizenship."),
        ({"first_names": ""}, "id_first_names", "This field is required."),
        ({"last_name": "<script>"}, "id_last_name", "Remove the characters"),
        ({"email": "not-an-address"}, "id_email", "Enter a valid e-mail address."),
        ({"declaration": None}, "id_declaration", "Confirm that you have the right to vote"),
        ({"privacy_notice": None}, "id_privacy_notice", "Confirm that you have read the privacy notice."),
    ],
)
def test_errors_come_back_beside_the_fields_and_change_nothing(
    client, collecting_initiative, django_capture_on_commit_callbacks, change, anchor, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(collecting_initiative), sign_page_form(**change))
    html = response.content.decode()

    assert response.status_code == 200
    assert "<title>Error:" in html
    summary = html[html.index('class="error-summary"') : html.index('<form class="sign-form"')]
    assert f'href="#{anchor}"' in summary and message in summary
    assert f'id="{anchor}"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="ul. Zwycięstwa 10/2, 44-100 Gliwice"' in html  # what was typed stays
    assert not Signature.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_page_sent_back_with_errors_never_shows_the_pesel(client, powiat_initiative):
    data = sign_page_form(
        pesel=ADULT_PESEL, last_name="", birth_day=None, birth_month=None, birth_year=None, citizenship=None
    )
    html = client.post(sign_url(powiat_initiative), data).content.decode()

    assert 'href="#id_last_name"' in html
    assert ADULT_PESEL not in html and "440514" not in html
    assert "the number is not shown again" in html
    assert 'value="Kowalski"' not in html and 'value="Jan"' in html  # other fields keep what was typed


@pytest.mark.django_db
def test_a_field_the_rules_do_not_name_is_never_sent_on(client, collecting_initiative):
    response = client.post(sign_url(collecting_initiative), sign_page_form(pesel=ADULT_PESEL))
    assert response.status_code == 302
    assert Signature.objects.get().pesel == ""


@pytest.mark.django_db
def test_an_initiative_not_collecting_gets_a_friendly_409(client, collecting_initiative, author):
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)

    page = client.get(sign_url(collecting_initiative))
    posted = client.post(sign_url(collecting_initiative), sign_page_form())

    assert page.status_code == posted.status_code == 409
    assert "This initiative is not collecting signatures now" in posted.content.decode()
    assert 'name="first_names"' not in posted.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_draft_has_no_sign_page(client, ready_initiative):
    assert client.get(sign_url(ready_initiative)).status_code == 404


@pytest.mark.django_db
def test_the_page_shares_the_api_rate_limit_and_answers_429(client, collecting_initiative, settings):
    settings.RATE_LIMITS = True
    answers = [client.post(sign_url(collecting_initiative), {}) for _ in range(21)]

    assert [answer.status_code for answer in answers[:20]] == [200] * 20
    assert answers[20].status_code == 429
    assert int(answers[20]["Retry-After"]) > 0
    assert "Too many attempts from your connection" in answers[20].content.decode()
    api = client.post(
        f"/api/v1/initiatives/{collecting_initiative.pk}/signatures/", {}, content_type="application/json"
    )
    assert api.status_code == 429


# The landings of the e-mail links


@pytest.mark.django_db
def test_opening_the_confirmation_link_changes_nothing_and_the_button_confirms(
    client, collecting_initiative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sign_url(collecting_initiative), sign_page_form())
    token = link_token("confirm")
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        opened = client.get(f"/signatures/confirm/{token}/")
        client.head(f"/signatures/confirm/{token}/")
    assert opened.status_code == 200
    assert re.search(r'<form method="post">', opened.content.decode())
    assert "Confirm my support" in opened.content.decode()
    assert Signature.objects.get().status == SignatureStatus.PENDING
    assert len(mail.outbox) == sent

    with django_capture_on_commit_callbacks(execute=True):
        pressed = client.post(f"/signatures/confirm/{token}/")
    assert (pressed.status_code, pressed["Location"]) == (302, f"/signatures/confirm/{token}/")
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert "/signatures/withdraw/" in mail.outbox[-1].body  # the receipt

    thanks = client.get(f"/signatures/confirm/{token}/").content.decode()
    # Gliwice does not count e-mail: the page says so, with the count and the unofficial declaration.
    assert "Thank you" in thanks and "recorded as unofficial" in thanks
    assert "0 of 300 signatures" in thanks and "1 unofficial declaration by e-mail" in thanks


@pytest.mark.django_db
def test_a_broken_or_expired_confirmation_link_says_so(client, collecting_initiative):
    assert client.get("/signatures/confirm/not-a-token/").status_code == 404
    pressed = client.post("/signatures/confirm/not-a-token/")
    assert pressed.status_code == 400
    assert "This link does not work" in pressed.content.decode()


@pytest.mark.django_db
def test_opening_the_withdrawal_link_changes_nothing_and_the_button_withdraws(
    client, collecting_initiative, django_capture_on_commit_callbacks
):
    token = sign_and_confirm(client, collecting_initiative, django_capture_on_commit_callbacks)

    opened = client.get(f"/signatures/withdraw/{token}/")
    assert opened.status_code == 200 and "Withdraw my support" in opened.content.decode()
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert support_count(collecting_initiative).unofficial == 1

    pressed = client.post(f"/signatures/withdraw/{token}/")
    assert (pressed.status_code, pressed["Location"]) == (302, f"/signatures/withdraw/{token}/")
    assert Signature.objects.get().status == SignatureStatus.WITHDRAWN
    assert support_count(collecting_initiative).unofficial == 0
    assert "Your support is withdrawn" in client.get(f"/signatures/withdraw/{token}/").content.decode()


@pytest.mark.django_db
def test_withdrawal_after_collection_is_refused_kindly(
    client, collecting_initiative, author, django_capture_on_commit_callbacks
):
    token = sign_and_confirm(client, collecting_initiative, django_capture_on_commit_callbacks)
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)

    opened = client.get(f"/signatures/withdraw/{token}/")
    pressed = client.post(f"/signatures/withdraw/{token}/")

    assert opened.status_code == pressed.status_code == 409
    assert "Support can no longer be withdrawn" in pressed.content.decode()
    assert 'name="csrfmiddlewaretoken"' not in opened.content.decode().split("<main")[1]  # no button
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED


# The privacy notice and the initiative's page


@pytest.mark.django_db
def test_the_privacy_notice_names_the_controller_basis_data_and_retention(
    client, collecting_initiative, author, settings
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 45
    response = client.get(f"/initiatives/{collecting_initiative.pk}/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()

    assert response.status_code == 200
    assert f"The committee acts through its representative, {author.full_name}." in html
    assert "the council, through its office, is the controller of the list" in html
    assert "art. 41a ustawy z dnia 8 marca 1990 r. o samorządzie gminnym" in html
    assert "resolution no. II/25/2018 of Rada Miasta Gliwice" in html
    assert "art. 6 ust. 1 lit. c" not in html  # the list rests on the public task, not a legal duty
    assert "art. 6 ust. 1 lit. e" in html and "art. 9 ust. 2 lit. g" in html
    assert "art. 6 ust. 1 lit. a and art. 9 ust. 2 lit. a" in html  # e-mail declarations, outcome news
    assert "then for 45 more days; if you withdraw your support, 45 days after you withdraw it" in html
    assert "pseudonymised data" in html
    committee = f"Komitet Inicjatywy Uchwałodawczej {collecting_initiative.title}"
    assert f"the committee of the civic resolution initiative, {committee}" in html
    # The controller's contact: the representative's, until the committee sets its own.
    assert author.email in html
    assert "Prezes Urzędu Ochrony Danych Osobowych" in html
    assert "No automated decisions" in html
    assert "<dt>Date of birth</dt>" in html and "PESEL" not in html


@pytest.mark.django_db
def test_the_privacy_notice_of_a_pesel_council_lists_pesel(client, powiat_initiative):
    html = client.get(f"/initiatives/{powiat_initiative.pk}/privacy/").content.decode()
    assert "<dt>PESEL number</dt>" in html and "<dt>Date of birth</dt>" not in html
    assert "art. 42a ustawy z dnia 5 czerwca 1998 r. o samorządzie powiatowym" in html


@pytest.mark.django_db
def test_the_initiative_page_leads_to_the_sign_page_and_shows_unofficial_support(
    client, collecting_initiative, django_capture_on_commit_callbacks
):
    sign_and_confirm(client, collecting_initiative, django_capture_on_commit_callbacks)
    html = client.get(f"/initiatives/{collecting_initiative.pk}/").content.decode()

    assert f'class="button-link" href="/initiatives/{collecting_initiative.pk}/sign/"' in html
    assert "0 of 300 signatures" in html
    assert "1 unofficial declaration by e-mail" in html
    assert "a signature on paper" in html
    assert f'href="/initiatives/{collecting_initiative.pk}/privacy/"' in html
    assert "/sign/e-signature/" not in html  # Gliwice accepts no electronic signature


@pytest.mark.django_db
def test_a_closed_initiative_page_has_no_support_button(client, collecting_initiative, author):
    initiative_withdraw(initiative_id=collecting_initiative.pk, actor=author)
    html = client.get(f"/initiatives/{collecting_initiative.pk}/").content.decode()
    assert f'href="/initiatives/{collecting_initiative.pk}/sign/"' not in html


@pytest.mark.django_db
def test_the_council_is_named_in_the_case_the_polish_sentence_needs(
    collecting_initiative, django_capture_on_commit_callbacks
):
    """ "do Rady Miasta Gliwice", "Zasady Rady Miasta Gliwice", never "do Rada Miasta Gliwice"."""
    from django.test import Client

    polish = Client(HTTP_ACCEPT_LANGUAGE="pl")
    page = polish.get(sign_url(collecting_initiative)).content.decode()
    assert "Zasady Rady Miasta Gliwice nie dopuszczają poparcia" in page
    with django_capture_on_commit_callbacks(execute=True):
        polish.post(sign_url(collecting_initiative), sign_page_form())
    assert "kierowanej do Rady Miasta Gliwice" in mail.outbox[-1].body
    assert "Rada Miasta Gliwice:" not in mail.outbox[-1].body


@pytest.mark.django_db
def test_every_period_the_privacy_notice_states_is_the_one_the_deletion_enforces(
    client, collecting_initiative, settings
):
    """The notice reads the periods from personal_data.periods, and so do the deletion runs
    (initiative.filing.retention): change the settings or the council's own period, the notice follows."""
    from initiative.filing.retention import packet_retention_days
    from personal_data.periods import packet_file_days, personal_data_days

    settings.PERSONAL_DATA_RETENTION_DAYS, settings.PACKET_RETENTION_DAYS = 61, 400
    unit = collecting_initiative.municipality

    def stated() -> str:
        return client.get(
            f"/initiatives/{collecting_initiative.pk}/privacy/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    html = stated()
    assert personal_data_days() == 61 and "then for 61 more days" in html
    assert packet_retention_days(collecting_initiative) == packet_file_days(unit) == 400
    assert "kept on the platform for 400 days after the initiative ends" in html
    unit.packet_retention_days = 30
    unit.save(update_fields=["packet_retention_days"])
    collecting_initiative.refresh_from_db()
    assert packet_retention_days(collecting_initiative) == 30
    assert "kept on the platform for 30 days after the initiative ends" in stated()
