"""The platform's sealing key: the operator's PKCS#12 file, or in debug a development seal made here.

Production sets SEAL_P12_FILE and SEAL_P12_PASSWORD (a qualified electronic seal from a trust service
provider is what a council can rely on: eIDAS art. 35(2) presumes its integrity and origin). Without them,
debug makes its own: a root CA and a seal certificate issued by it, made with `cryptography`, kept under
VAR_DIR/seal and reused, so packets sealed yesterday still validate today. The development root says in its
name that it is not for use; nobody outside the machine trusts it.

No pyHanko here (documents/pades/ loads the PKCS#12 for signing); this module only finds the bytes and
the root of the seal's chain, which is what verification trusts when SEAL_TRUST_ROOTS is not set.
"""

import contextlib
import dataclasses
import datetime
import os
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_DIRECTORY = "seal"
DEVELOPMENT_FILE = "development-seal.p12"
DEVELOPMENT_ROOT_FILE = "development-root.pem"
# Not a secret: the development seal proves nothing outside the machine that made it, and a stable
# password lets every process (web, worker, tests) open it.
DEVELOPMENT_PASSWORD = b"development-seal"


@dataclasses.dataclass(frozen=True)
class SealKey:
    pkcs12: bytes
    password: bytes | None
    development: bool


def seal_key() -> SealKey:
    """The PKCS#12 to seal with: SEAL_P12_FILE, or in debug the development seal (made on first use).

    Raises ImproperlyConfigured when no seal is configured outside debug, or the file cannot be read.
    """
    if settings.SEAL_P12_FILE:
        try:
            data = Path(settings.SEAL_P12_FILE).read_bytes()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SEAL_P12_FILE cannot be read ({error.strerror or type(error).__name__})"
            ) from error
        password = settings.SEAL_P12_PASSWORD.encode() if settings.SEAL_P12_PASSWORD else None
        return SealKey(pkcs12=data, password=password, development=False)
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "SEAL_P12_FILE is not set: packets cannot be sealed. Set SEAL_P12_FILE and SEAL_P12_PASSWORD to "
            "the platform's sealing key (PKCS#12); only DEBUG=1 makes a development seal."
        )
    return SealKey(pkcs12=development_seal().read_bytes(), password=DEVELOPMENT_PASSWORD, development=True)


def seal_root_pem(key: SealKey | None = None) -> bytes:
    """The top of the seal's chain as PEM: the root CA if the PKCS#12 carries it, else the highest issuer
    it has (the seal certificate itself when it carries nothing else)."""
    key = key or seal_key()
    try:
        _private, certificate, others = pkcs12.load_key_and_certificates(key.pkcs12, key.password)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "SEAL_P12_FILE is not a PKCS#12 file that SEAL_P12_PASSWORD opens"
        ) from error
    if certificate is None:
        raise ImproperlyConfigured("SEAL_P12_FILE holds no certificate")
    by_subject = {other.subject: other for other in others or ()}
    top, seen = certificate, set()
    while top.issuer != top.subject and top.issuer in by_subject and top.issuer not in seen:
        seen.add(top.issuer)
        top = by_subject[top.issuer]
    return top.public_bytes(serialization.Encoding.PEM)


def development_seal() -> Path:
    """VAR_DIR/seal/development-seal.p12, made on first use.

    Two processes may start at once (the web process and a worker): each makes a candidate in a temporary
    file and links it into place; a link never replaces an existing file, so the first one wins and the
    other discards its own, and both then use the same seal.
    """
    directory = Path(settings.VAR_DIR) / DEVELOPMENT_DIRECTORY
    path = directory / DEVELOPMENT_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        handle, candidate = tempfile.mkstemp(prefix=".seal-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_make_development_seal())
            os.chmod(candidate, 0o600)
            with contextlib.suppress(FileExistsError):  # another process was first: use its seal
                os.link(candidate, path)
        finally:
            os.unlink(candidate)
    root = directory / DEVELOPMENT_ROOT_FILE
    if not root.exists():  # for operators who want to trust the development seal in a PDF reader
        pem = seal_root_pem(SealKey(path.read_bytes(), DEVELOPMENT_PASSWORD, development=True))
        handle, candidate = tempfile.mkstemp(prefix=".root-", dir=directory)
        with os.fdopen(handle, "wb") as out:
            out.write(pem)
        os.chmod(candidate, 0o644)  # a certificate, public by nature
        os.replace(candidate, root)  # the same content from whichever process writes it
    return path


def _make_development_seal() -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    # RSA, not ECDSA: pyHanko marks a file signed with an ECDSA key as PDF 2.0 (ISO/TS 32002), and the
    # packet must stay PDF/A-3, which is PDF 1.7.
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = _development_name("Deweloperskie CA pieczęci, NIE DO UŻYTKU")
    root = (
        _builder(root_name, root_name, root_key.public_key(), now, years=20)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    seal_private = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    seal_name = _development_name("Pieczęć deweloperska platformy inicjatyw")
    seal = (
        _builder(seal_name, root_name, seal_private.public_key(), now, years=10)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=b"development seal",
        key=seal_private,
        cert=seal,
        cas=[root],
        encryption_algorithm=serialization.BestAvailableEncryption(DEVELOPMENT_PASSWORD),
    )


def _development_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Platforma inicjatyw uchwałodawczych (debug)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        ]
    )


def _builder(subject, issuer, public_key, now, *, years: int) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
