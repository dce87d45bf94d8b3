"""A test public-key infrastructure made with `cryptography`, once per test session, a PAdES signer, and
the fixtures of the e-signature tests (import them into a test module). Also the platform's seal: a seal
certificate, a timestamp authority and a CRL, served over HTTP by a small in-process server.

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


def _issue(
    subject: x509.Name,
    *,
    issuer: Identity | None,
    ca: bool,
    qualified: bool = False,
    key=None,
    extensions: tuple[tuple[x509.ExtensionType, bool], ...] = (),
) -> Identity:
    key = key or ec.generate_private_key(ec.SECP256R1())
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
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
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


# The platform's seal on packets (documents.pades.seal_pdf) ---------------------------------------------

SEAL_P12_PASSWORD = "test-seal-password"


@dataclasses.dataclass(frozen=True)
class SealPki:
    root: Identity
    seal: Identity  # names `crl_url` as its CRL distribution point when there is one
    tsa: Identity  # RSA: pyHanko's DummyTimeStamper signs with RSA keys only
    crl: bytes  # DER: the root's CRL, listing nothing
    crl_url: str | None

    @property
    def root_pem(self) -> bytes:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM)

    def p12(self, password: str = SEAL_P12_PASSWORD) -> bytes:
        from cryptography.hazmat.primitives.serialization import pkcs12

        return pkcs12.serialize_key_and_certificates(
            name=b"test seal",
            key=self.seal.key,
            cert=self.seal.certificate,
            cas=list(self.seal.chain),
            encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
        )

    def time_stamper(self):
        from pyhanko.sign.timestamps import DummyTimeStamper

        key = asn1_keys.PrivateKeyInfo.load(
            self.tsa.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return DummyTimeStamper(tsa_cert=_asn1_certificate(self.tsa.certificate), tsa_key=key)


@functools.cache
def make_seal_pki(crl_url: str | None = None) -> SealPki:
    """A root, the platform's seal issued by it, a timestamp authority, and the root's (empty) CRL. With
    `crl_url` the seal certificate points there for revocation data, so sealing can embed them (B-LT)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    root = _issue(_name(cn="Testowe CA pieczęci", o="Test", c="PL"), issuer=None, ca=True)
    seal_extensions = ()
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        seal_extensions = ((x509.CRLDistributionPoints([point]), False),)
    seal = _issue(
        _name(cn="Pieczęć testowej platformy", o="Platforma inicjatyw (test)", c="PL"),
        issuer=root,
        ca=False,
        # RSA, as a platform's seal should be: an ECDSA seal makes pyHanko mark the file PDF 2.0.
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        extensions=seal_extensions,
    )
    tsa = _issue(
        _name(cn="Testowy znacznik czasu", o="Test", c="PL"),
        issuer=root,
        ca=False,
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        extensions=((x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), True),),
    )
    now = datetime.datetime.now(datetime.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.certificate.subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False
        )
        .sign(root.key, hashes.SHA256())
    )
    return SealPki(
        root=root, seal=seal, tsa=tsa, crl=crl.public_bytes(serialization.Encoding.DER), crl_url=crl_url
    )


class PkiServer:
    """An HTTP server in a thread, standing in for the outside world: a CA's CRL at /seal-root.crl and a
    timestamp authority (RFC 3161 over HTTP) at /tsa, answered by pyHanko's DummyTimeStamper."""

    def __init__(self):
        import http.server
        import threading

        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/seal-root.crl" and server.crl:
                    server.crl_requests += 1
                    return self._answer(200, "application/pkix-crl", server.crl)
                return self._answer(404, "text/plain", b"not found")

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/tsa" or server.time_stamper is None:
                    return self._answer(503, "text/plain", b"unavailable")
                from asn1crypto import tsp

                server.tsa_requests += 1
                answer = server.time_stamper.request_tsa_response(tsp.TimeStampReq.load(body))
                return self._answer(200, "application/timestamp-reply", answer.dump())

            def _answer(self, status, content_type, body):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.crl = b""
        self.time_stamper = None
        self.crl_requests = 0
        self.tsa_requests = 0
        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture(scope="session")
def pki_server():
    server = PkiServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def seal_pki(pki_server) -> SealPki:
    """The platform's test seal; its certificate names the server's CRL, and the server's TSA is its own."""
    seal = make_seal_pki(crl_url=f"{pki_server.url}/seal-root.crl")
    pki_server.crl = seal.crl
    pki_server.time_stamper = seal.time_stamper()
    return seal


@pytest.fixture
def seal_settings(settings, tmp_path, seal_pki):
    """SEAL_P12_FILE, SEAL_P12_PASSWORD and SEAL_TRUST_ROOTS for the test seal; no timestamp authority."""
    p12 = tmp_path / "seal.p12"
    p12.write_bytes(seal_pki.p12())
    roots = tmp_path / "seal-roots.pem"
    roots.write_bytes(seal_pki.root_pem)
    settings.SEAL_P12_FILE = str(p12)
    settings.SEAL_P12_PASSWORD = SEAL_P12_PASSWORD
    settings.SEAL_TRUST_ROOTS = str(roots)
    settings.TSA_URL = ""
    return settings
