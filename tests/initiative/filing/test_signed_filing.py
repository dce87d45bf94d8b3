"""The committee signs its filing: the sealed packet with the representative's signature after the seal
(initiative.filing.signed_filing; docs/law.md §The packet)."""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)
import shutil

import pytest
from django.utils import translation

from documents.pades import attachment_digests, read_attachment
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.filing.packet.verify import packet_verify
from initiative.filing.signed_filing import signed_packet_upload
from initiative.models import CommitteeMember, Initiative, Role, SignedPacket
from personal_data.models import PersonalDataAccess
from tests.initiative.filing.packet_files import run
from tests.pki import OTHER_PESEL, _issue, _name, _person, pki, sign_pdf  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def representative(initiative) -> CommitteeMember:
    return CommitteeMember.objects.get(initiative=initiative, role=Role.REPRESENTATIVE, left_at__isnull=True)


def certificate_of(pki, full_name: str, *, qualified: bool = True, pesel: str | None = OTHER_PESEL):
    """A test certificate for a declared name: first word the given name, the rest the surname."""
    given, surname = full_name.split(" ", 1)
    if qualified:
        return _person(pki.qualified_ca, pesel, given=given, surname=surname)
    attributes = {"c": "PL", "given_name": given, "surname": surname, "cn": full_name}
    if pesel:
        attributes["serial_number"] = f"PNOPL-{pesel}"
    return _issue(_name(**attributes), issuer=pki.qualified_ca, ca=False, qualified=False)


@pytest.fixture
def filed(krakow_filed_with_esignature):
    packet, sealed = krakow_filed_with_esignature
    return packet, sealed, representative(packet.initiative)


def upload(packet, member, data: bytes) -> SignedPacket:
    return signed_packet_upload(initiative_id=packet.initiative_id, actor=member.user, file=data)


@pytest.mark.django_db
def test_the_representatives_qualified_signature_is_accepted_and_is_what_the_office_gets(
    filed, pki, api_client, tmp_path
):
    packet, sealed, member = filed
    signed = sign_pdf(sealed, certificate_of(pki, member.full_name), field_name="PodpisPelnomocnika")
    row = upload(packet, member, signed)
    assert (row.signer_role, row.method) == (Role.REPRESENTATIVE, "qes")
    assert row.issuer and "Komitetu" not in row.issuer  # the CA, never the person

    # The packet check accepts it: the seal holds, the later signature is intact and trusted.
    report = packet_verify(signed)
    assert report.valid

    # The download, for the committee as for the office, is now the signed version, and it is logged.
    api_client.force_login(member.user)
    answer = api_client.get(f"/api/v1/initiatives/{packet.initiative_id}/packet.pdf?version={packet.version}")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content if answer.streaming else [answer.content]) == signed
    assert PersonalDataAccess.objects.filter(detail__contains="signed by the committee").exists()

    # poppler's pdfsig, as an office's tool, finds both signatures sound.
    assert shutil.which("pdfsig")
    report = run(["pdfsig"], signed, tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2


@pytest.mark.django_db
def test_podpis_osobisty_is_recorded_as_what_it_is(filed, pki):
    packet, sealed, member = filed
    signed = sign_pdf(sealed, certificate_of(pki, member.full_name, qualified=False), field_name="Podpis")
    assert upload(packet, member, signed).method == "personal"


@pytest.mark.django_db
def test_the_deputy_may_sign_too(filed, pki):
    packet, sealed, _member = filed
    deputy = CommitteeMember.objects.get(initiative=packet.initiative, role=Role.DEPUTY)
    signed = sign_pdf(sealed, certificate_of(pki, deputy.full_name), field_name="Podpis")
    assert upload(packet, deputy, signed).signer_role == Role.DEPUTY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("another_person", "not that of the committee's representative or deputy"),
        ("not_qualified", "neither qualified nor podpis osobisty"),
        ("untrusted", "does not lead to a certification authority"),
        ("changed", "not version 1 of the packet"),
        ("unsigned", "not version 1 of the packet"),
        ("other_file", "not version 1 of the packet"),
    ],
)
def test_a_signature_that_is_not_the_committees_is_refused_and_nothing_stored(filed, pki, case, reason):
    packet, sealed, member = filed
    if case == "another_person":
        data = sign_pdf(sealed, pki.person, field_name="Podpis")  # Jan Kowalski, a supporter
    elif case == "not_qualified":
        data = sign_pdf(sealed, certificate_of(pki, member.full_name, qualified=False, pesel=None))
    elif case == "untrusted":
        unknown_ca = _issue(_name(cn="Nieznane CA", o="Nobody", c="PL"), issuer=None, ca=True)
        given, surname = member.full_name.split(" ", 1)
        data = sign_pdf(sealed, _person(unknown_ca, OTHER_PESEL, given=given, surname=surname))
    elif case == "changed":
        tampered = sealed.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in sealed else sealed[:-8]
        data = sign_pdf(tampered, certificate_of(pki, member.full_name))
    elif case == "unsigned":
        data = sealed
    else:
        # Another PDF the committee has: a supporter's statement attached to the packet.
        statement = next(name for name in attachment_digests(sealed) if name.startswith("poparcie-"))
        data = sign_pdf(
            read_attachment(sealed, statement), certificate_of(pki, member.full_name), field_name="Drugi"
        )
    with pytest.raises(InvalidInput) as refused:
        upload(packet, member, data)
    assert reason in refused.value.errors["file"][0]
    assert not SignedPacket.objects.exists()


@pytest.mark.django_db
def test_only_between_filing_and_the_decision(filed, pki):
    packet, sealed, member = filed
    signed = sign_pdf(sealed, certificate_of(pki, member.full_name))
    Initiative.objects.filter(pk=packet.initiative_id).update(status="accepted")
    with pytest.raises(TransitionRefused):
        upload(packet, member, signed)


@pytest.mark.django_db
def test_strangers_learn_nothing(filed, make_user, pki):
    packet, sealed, _member = filed
    with pytest.raises(NotVisible):
        signed_packet_upload(
            initiative_id=packet.initiative_id, actor=make_user("obcy@example.org"), file=sealed
        )


@pytest.mark.django_db
def test_api_and_page_take_the_signed_packet(filed, pki, api_client, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    packet, sealed, member = filed
    signed = sign_pdf(sealed, certificate_of(pki, member.full_name))
    url = f"/api/v1/initiatives/{packet.initiative_id}/packet/signed/"
    api_client.force_login(member.user)
    refused = api_client.post(url, {"file": SimpleUploadedFile("p.pdf", sealed)}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()
    answer = api_client.post(url, {"file": SimpleUploadedFile("p.pdf", signed)}, format="multipart")
    assert answer.status_code == 201, answer.content
    assert answer.json()["signer_role"] == "representative"
    assert api_client.get(url).json()[0]["method"] == "qes"

    client.force_login(member.user)
    page = client.post(
        f"/initiatives/{packet.initiative_id}/delivery/sign/",
        {"file": SimpleUploadedFile("podpisany.pdf", signed)},
        follow=True,
    )
    assert "Podpisany pakiet został przyjęty" in page.content.decode()
    assert SignedPacket.objects.count() == 1  # the second upload replaced the first
