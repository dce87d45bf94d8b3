"""A test public-key infrastructure made with `cryptography`, once per test session, a PAdES signer, and
the fixtures of the e-signature tests (import them into a test module).

A trusted root and a qualified intermediate CA issue natural persons' certificates the way Polish
qualified providers and the e-ID card do: subject serialNumber `PNOPL-<PESEL>` (ETSI EN 319 412-1), key
usage non-repudiation, the QcCompliance statement. A second, untrusted root issues a look-alike. Elliptic
curve keys keep it fast (well under 100 ms for the lot); no key is committed anywhere.
"""

import dataclasses
import datetime
import functools
import io

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ADULT_PESEL = "44051401458"  # valid, born 14 May 1944
OTHER_PESEL = "80031501239"  # valid, born 15 March 1980
# QCStatements (RFC 3739) holding one statement, QcCompliance (0.4.0.1862.1.1), in DER.
QC_STATEMENTS = x509.UnrecognizedExtension(
    x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3"), bytes.fromhex("300a3008060604008e460101")
)


@dataclasses.dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]  # the issuers, nearest first


@dataclasses.dataclass(frozen=True)
class Pki:
    root: Identity
    qualified_ca: Identity
    person: Identity  # PNOPL-44051401458
    other_person: Identity  # PNOPL-80031501239
    without_pesel: Identity  # a certificate that names nobody by PESEL
    stranger: Identity  # PNOPL-44051401458, but from a root nobody trusts

    @property
    def root_pem(self) -> bytes:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM)


def _name(**attributes) -> x509.Name:
    oids = {
        "cn": NameOID.COMMON_NAME,
        "o": NameOID.ORGANIZATION_NAME,
        "c": NameOID.COUNTRY_NAME,
        "given_name": NameOID.GIVEN_NAME,
        "surname": NameOID.SURNAME,
        "serial_number": NameOID.SERIAL_NUMBER,
    }
    return x509.Name([x509.NameAttribute(oids[key], value) for key, value in attributes.items()])


def _issue(subject: x509.Name, *, issuer: Identity | None, ca: bool, qualified: bool = False) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if qualified:
        builder = builder.add_extension(QC_STATEMENTS, critical=False)
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    chain = (issuer.certificate, *issuer.chain) if issuer else ()
    return Identity(certificate=certificate, key=key, chain=chain)


def _person(
    issuer: Identity, pesel: str | None, *, given: str = "Jan", surname: str = "Kowalski"
) -> Identity:
    attributes = {"c": "PL", "given_name": given, "surname": surname, "cn": f"{given} {surname}"}
    if pesel:
        attributes["serial_number"] = f"PNOPL-{pesel}"
    return _issue(_name(**attributes), issuer=issuer, ca=False, qualified=True)


@functools.cache
def make_pki() -> Pki:
    root = _issue(_name(cn="Testowe Narodowe Centrum Certyfikacji", o="Test", c="PL"), issuer=None, ca=True)
    qualified_ca = _issue(_name(cn="Testowe CA Kwalifikowane", o="Test", c="PL"), issuer=root, ca=True)
    stranger_root = _issue(_name(cn="Nieznane CA", o="Nobody", c="PL"), issuer=None, ca=True)
    return Pki(
        root=root,
        qualified_ca=qualified_ca,
        person=_person(qualified_ca, ADULT_PESEL),
        other_person=_person(qualified_ca, OTHER_PESEL, given="Anna", surname="Nowak"),
        without_pesel=_person(qualified_ca, None),
        stranger=_person(stranger_root, ADULT_PESEL),
    )


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, identity: Identity, *, field_name: str = "Podpis") -> bytes:
    """Sign a PDF as a supporter's signing application would: PAdES B-B, an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(identity.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in identity.chain]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    output = signers.PdfSigner(metadata, signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
    return output.getvalue()


@pytest.fixture(scope="session")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Autouse where imported: the committee's accounts need passwords, not strong ones, in these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trusted_roots(settings, tmp_path, pki):
    """SIGNATURE_TRUST_ROOTS: a PEM bundle holding the test root (not the stranger's)."""
    path = tmp_path / "trust-roots.pem"
    path.write_bytes(pki.root_pem)
    settings.SIGNATURE_TRUST_ROOTS = str(path)
    return path


@pytest.fixture
def open_krakow(start_initiative, join_committee, author):
    """Opens a new initiative in Kraków, whose rules accept qualified signatures (and ask for the date of
    birth); the committee has the representative and the deputy those rules require."""
    from initiative import committee, services
    from initiative.models import Role

    def open_one(**changes):
        initiative = start_initiative(author, teryt="1261011", **changes)
        committee.committee_declare(
            initiative_id=initiative.pk,
            user=author,
            full_name=author.full_name,
            address="ul. Floriańska 1, 31-019 Kraków",
            role=Role.MEMBER,
        )
        for role in (Role.REPRESENTATIVE, Role.DEPUTY, Role.MEMBER, Role.MEMBER):
            join_committee(initiative, author, role=role)
        return services.initiative_open(initiative_id=initiative.pk, actor=author)

    return open_one


@pytest.fixture
def krakow_collecting(open_krakow, trusted_roots):
    return open_krakow()


def krakow_supporter(**changes) -> dict:
    """A supporter's statement request for Kraków: the sign JSON (date-of-birth rules) plus the PESEL."""
    data = {
        "first_names": "Jan",
        "last_name": "Kowalski",
        "address": "ul. Floriańska 1/2, 31-019 Kraków",
        "pesel": ADULT_PESEL,
        "citizenship": "PL",
        "declaration": True,
        "privacy_notice": True,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
