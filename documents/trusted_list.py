"""An EU trusted list (ETSI TS 119 612 XML), as a member state publishes it: its XML signature checked, its
qualified certification services read (docs/law.md §Forms of support: what counts as qualified).

The one home of signxml and lxml in the project. A trusted list is read from a file an operator downloaded,
so it is untrusted input until its signature holds: the size is capped, a DOCTYPE (entities, external
references) is refused before parsing, the parser resolves no entities and fetches nothing, and only what
the signature covers is read.
"""

import base64
import dataclasses
import datetime
import hashlib

from cryptography import x509
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidInput as XmlInvalidInput
from signxml.exceptions import InvalidSignature

MAX_LIST_BYTES = 20 * 1024 * 1024  # the Polish list is some 500 KB; the EU's largest a few MB
TSL = "http://uri.etsi.org/02231/v2#"
NS = {"tsl": TSL}
# A certification authority issuing qualified certificates (ETSI TS 119 612 § 5.5.1.1).
QUALIFIED_CA = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
# Statuses under which a service is qualified now: "granted" (eIDAS); before 2016 "undersupervision" and
# "accredited" (TS 119 612 v1), which lists still carry for older services.
QUALIFIED_STATUSES = frozenset(
    {
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted",
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision",
        "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited",
    }
)


class TrustedListRejected(Exception):
    """The file is not a trusted list we can rely on; the message says why (for an operator)."""


@dataclasses.dataclass(frozen=True)
class QualifiedService:
    provider: str
    name: str
    certificate_der: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.certificate_der).hexdigest()


@dataclasses.dataclass(frozen=True)
class TrustedList:
    territory: str  # "PL"
    sequence_number: int
    issued_at: datetime.datetime | None
    next_update: datetime.datetime | None
    services: tuple[QualifiedService, ...]  # granted CA/QC services, one per certificate


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def trusted_list_read(data: bytes, *, signer_pem: bytes) -> TrustedList:
    """Check the list's enveloped XML signature against the certificate the operator trusts to sign it
    (`signer_pem`, as the EU's list of trusted lists publishes it) and read its qualified CA services.
    Raises TrustedListRejected."""
    if len(data) > MAX_LIST_BYTES:
        raise TrustedListRejected(f"the file is larger than {MAX_LIST_BYTES // (1024 * 1024)} MiB")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise TrustedListRejected("the file declares a DOCTYPE or entities, which a trusted list never does")
    try:
        x509.load_pem_x509_certificate(signer_pem)
    except ValueError as error:
        raise TrustedListRejected("the signer's certificate is not a PEM certificate") from error
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise TrustedListRejected(f"the file is not well-formed XML ({error.msg})") from error
    try:
        # Lists are signed with XAdES: one reference to the whole list, one to the signed properties.
        results = XMLVerifier().verify(
            root,
            x509_cert=signer_pem.decode(),
            validate_schema=False,
            expect_config=SignatureConfiguration(expect_references=True),
        )
    except (InvalidSignature, XmlInvalidInput) as error:
        raise TrustedListRejected(f"the list's signature does not hold: {error}") from error
    results = results if isinstance(results, list) else [results]
    covered = [result.signed_xml for result in results if _is_list(result.signed_xml)]
    if not covered:
        raise TrustedListRejected("the signature does not cover the whole list")
    return _read(covered[0])


def _is_list(element) -> bool:
    return element is not None and etree.QName(element).localname == "TrustServiceStatusList"


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None and found.text else ""


def _moment(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise TrustedListRejected(f"a date in the list cannot be read: {value!r}") from error


def _read(root) -> TrustedList:
    info = root.find("tsl:SchemeInformation", NS)
    if info is None:
        raise TrustedListRejected("the list has no SchemeInformation")
    territory = _text(info, "tsl:SchemeTerritory")
    try:
        sequence = int(_text(info, "tsl:TSLSequenceNumber"))
    except ValueError as error:
        raise TrustedListRejected("the list has no sequence number") from error
    services = []
    for provider in root.iterfind("tsl:TrustServiceProviderList/tsl:TrustServiceProvider", NS):
        provider_name = _text(provider, "tsl:TSPInformation/tsl:TSPName/tsl:Name")
        for service in provider.iterfind("tsl:TSPServices/tsl:TSPService/tsl:ServiceInformation", NS):
            if _text(service, "tsl:ServiceTypeIdentifier") != QUALIFIED_CA:
                continue
            if _text(service, "tsl:ServiceStatus") not in QUALIFIED_STATUSES:
                continue
            name = _text(service, "tsl:ServiceName/tsl:Name")
            for encoded in service.iterfind(
                "tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate", NS
            ):
                services.append(QualifiedService(provider_name, name, _certificate(encoded.text or "")))
    return TrustedList(
        territory=territory,
        sequence_number=sequence,
        issued_at=_moment(_text(info, "tsl:ListIssueDateTime")),
        next_update=_moment(_text(info, "tsl:NextUpdate/tsl:dateTime")),
        services=tuple(services),
    )


def _certificate(encoded: str) -> bytes:
    try:
        der = base64.b64decode("".join(encoded.split()), validate=True)
        x509.load_der_x509_certificate(der)
    except ValueError as error:
        raise TrustedListRejected("a service's certificate in the list cannot be read") from error
    return der
