"""Qualified means qualified (signatures.trust, documents.trusted_list): the EU trusted list loaded by
`import_trusted_list`, QcCompliance required for "qualified", podpis osobisty recorded as what it is.

The list is a small ETSI TS 119 612 file written here and signed with a test key (signxml), as the national
supervisory body signs the real one; the certificates come from the test PKI (tests/pki.py).
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)
import base64
import io

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from lxml import etree
from signxml import SignatureMethod, XMLSigner, methods

from signatures.models import Signature, TrustedService
from tests.pki import (  # noqa: F401  (fixtures)
    ADULT_PESEL,
    _issue,
    _name,
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    sign_pdf,
    trusted_roots,
)

TSL = "http://uri.etsi.org/02231/v2#"
QC_CA = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
GRANTED = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
WITHDRAWN = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"


def der(identity) -> bytes:
    return identity.certificate.public_bytes(serialization.Encoding.DER)


def pem(identity) -> bytes:
    return identity.certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def list_signer():
    return _issue(
        _name(cn="Testowy organ nadzoru - podpis listy TSL", o="Test", c="PL"), issuer=None, ca=False
    )


def trusted_list_xml(services, *, sequence: int = 7, territory: str = "PL") -> etree._Element:
    """services: (service type, status, certificate DER)."""
    root = etree.Element(f"{{{TSL}}}TrustServiceStatusList", nsmap={None: TSL})
    info = etree.SubElement(root, f"{{{TSL}}}SchemeInformation")
    for tag, text in (
        ("TSLVersionIdentifier", "5"),
        ("TSLSequenceNumber", str(sequence)),
        ("SchemeTerritory", territory),
        ("ListIssueDateTime", "2026-11-02T10:00:00Z"),
    ):
        etree.SubElement(info, f"{{{TSL}}}{tag}").text = text
    etree.SubElement(
        etree.SubElement(info, f"{{{TSL}}}NextUpdate"), f"{{{TSL}}}dateTime"
    ).text = "2027-05-02T10:00:00Z"
    providers = etree.SubElement(root, f"{{{TSL}}}TrustServiceProviderList")
    provider = etree.SubElement(providers, f"{{{TSL}}}TrustServiceProvider")
    tsp_name = etree.SubElement(etree.SubElement(provider, f"{{{TSL}}}TSPInformation"), f"{{{TSL}}}TSPName")
    etree.SubElement(tsp_name, f"{{{TSL}}}Name").text = "Testowe Centrum Kwalifikowane"
    tsp_services = etree.SubElement(provider, f"{{{TSL}}}TSPServices")
    for number, (kind, status, certificate) in enumerate(services, start=1):
        information = etree.SubElement(
            etree.SubElement(tsp_services, f"{{{TSL}}}TSPService"), f"{{{TSL}}}ServiceInformation"
        )
        etree.SubElement(information, f"{{{TSL}}}ServiceTypeIdentifier").text = kind
        name = etree.SubElement(information, f"{{{TSL}}}ServiceName")
        etree.SubElement(name, f"{{{TSL}}}Name").text = f"Usługa {number}"
        identity = etree.SubElement(information, f"{{{TSL}}}ServiceDigitalIdentity")
        digital_id = etree.SubElement(identity, f"{{{TSL}}}DigitalId")
        etree.SubElement(digital_id, f"{{{TSL}}}X509Certificate").text = base64.b64encode(
            certificate
        ).decode()
        etree.SubElement(information, f"{{{TSL}}}ServiceStatus").text = status
    return root


def signed(root, signer) -> bytes:
    key = signer.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signed_root = XMLSigner(
        method=methods.enveloped, signature_algorithm=SignatureMethod.ECDSA_SHA256, digest_algorithm="sha256"
    ).sign(root, key=key, cert=pem(signer).decode())
    return etree.tostring(signed_root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def list_files(tmp_path, pki, list_signer):
    """The Polish test list naming the test qualified CA (granted), a withdrawn one and a non-qualified
    service; the signer's certificate beside it."""
    services = [
        (QC_CA, GRANTED, der(pki.qualified_ca)),
        (QC_CA, WITHDRAWN, der(pki.root)),
        ("http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST", GRANTED, der(pki.root)),
    ]
    tsl, signer = tmp_path / "PL-TSL.xml", tmp_path / "signer.pem"
    tsl.write_bytes(signed(trusted_list_xml(services), list_signer))
    signer.write_bytes(pem(list_signer))
    return tsl, signer


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_trusted_list", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_list_loads_its_granted_qualified_ca_services_only(list_files, pki):
    tsl, signer = list_files
    assert "no. 7: 1 qualified certification services loaded" in run(tsl, "--signer", signer)
    (service,) = TrustedService.objects.all()
    assert (service.territory, service.provider, bytes(service.certificate)) == (
        "PL",
        "Testowe Centrum Kwalifikowane",
        der(pki.qualified_ca),
    )
    run(tsl, "--signer", signer)  # the same list again: still one
    assert TrustedService.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("tampered", "signature does not hold"),
        ("other_signer", "signature does not hold"),
        ("doctype", "DOCTYPE"),
        ("territory", "not PL"),
        ("older", "older than the loaded 7"),
    ],
)
def test_a_list_that_cannot_be_relied_on_changes_nothing(list_files, pki, tmp_path, spoil, message):
    tsl, signer = list_files
    run(tsl, "--signer", signer)
    before = list(TrustedService.objects.values_list("pk", flat=True))
    data = tsl.read_bytes()
    if spoil == "tampered":
        data = data.replace(b"Testowe Centrum Kwalifikowane", b"Podstawione Centrum Kwalifikowane")
    elif spoil == "other_signer":
        signer.write_bytes(pem(pki.qualified_ca))
    elif spoil == "doctype":
        data = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + data.split(b"?>", 1)[1]
        )
    else:
        other = _issue(_name(cn="Lista", c="PL"), issuer=None, ca=False)
        signer.write_bytes(pem(other))
        sequence, territory = (3, "PL") if spoil == "older" else (8, "CZ")
        data = signed(
            trusted_list_xml([(QC_CA, GRANTED, der(pki.root))], sequence=sequence, territory=territory), other
        )
    tsl.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(tsl, "--signer", signer)
    assert list(TrustedService.objects.values_list("pk", flat=True)) == before


# -- what a signature under the list is -------------------------------------------------------------------


def person_certificate(issuer, *, qualified: bool):
    attributes = {"c": "PL", "given_name": "Jan", "surname": "Kowalski", "cn": "Jan Kowalski"}
    attributes["serial_number"] = f"PNOPL-{ADULT_PESEL}"
    return _issue(_name(**attributes), issuer=issuer, ca=False, qualified=qualified)


def upload(api_client, initiative, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "podpisane.pdf"
    return api_client.post(f"/api/v1/initiatives/{initiative.pk}/signatures/esigned/", {"file": handle})


@pytest.fixture
def only_the_list(settings, list_files, krakow_collecting):
    """The trusted list loaded and no configured roots: trust comes from the list alone."""
    tsl, signer = list_files
    run(tsl, "--signer", signer)
    settings.SIGNATURE_TRUST_ROOTS = ""
    return krakow_collecting


@pytest.mark.django_db
def test_a_qualified_certificate_under_the_list_is_a_qualified_signature(api_client, only_the_list, pki):
    from signatures.esign import services as esignature

    initiative = only_the_list
    statement = esignature.statement_pdf(initiative, krakow_supporter())
    answer = upload(
        api_client, initiative, sign_pdf(statement, person_certificate(pki.qualified_ca, qualified=True))
    )
    assert answer.status_code == 201, answer.content
    signature = Signature.objects.get(initiative=initiative)
    assert signature.evidence["signature_kind"] == "qualified"


@pytest.mark.django_db
def test_a_certificate_under_the_list_without_qccompliance_is_refused(api_client, only_the_list, pki):
    from signatures.esign import services as esignature

    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    initiative = only_the_list
    statement = esignature.statement_pdf(initiative, krakow_supporter())
    answer = upload(
        api_client, initiative, sign_pdf(statement, person_certificate(pki.qualified_ca, qualified=False))
    )
    assert answer.status_code == 400
    assert "This certificate is not qualified" in answer.json()["file"][0]
    assert not Signature.objects.filter(initiative=initiative).exists()


@pytest.mark.django_db
def test_podpis_osobisty_under_a_configured_root_is_recorded_as_such_and_the_clerk_sees_it(
    api_client, krakow_collecting, pki, trusted_roots
):
    """No list loaded; the operator configured the root (as for the pl.ID roots): an advanced signature
    with a PESEL is podpis osobisty, and the clerk's list says so."""
    from signatures.esign import services as esignature

    initiative = krakow_collecting
    statement = esignature.statement_pdf(initiative, krakow_supporter())
    answer = upload(
        api_client, initiative, sign_pdf(statement, person_certificate(pki.qualified_ca, qualified=False))
    )
    assert answer.status_code == 201, answer.content
    signature = Signature.objects.get(initiative=initiative)
    assert signature.evidence["signature_kind"] == "personal"

    from initiative.clerk.serializers import SignatureRowSerializer

    assert SignatureRowSerializer(signature).data["signature_kind"] == "personal"
