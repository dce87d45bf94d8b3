"""The signed statement's upload, POST …/signatures/esigned/ (anonymous), against hostile files and hostile
certificates (docs/security.md "Parsing uploads: budgets" and "Fetching on behalf of an upload").

Real pyHanko validates real signatures of the test CA (tests/pki.py); a local HTTP server stands in for the
URLs a certificate names, and counts what reaches it.
"""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as test arguments)

import dataclasses
import datetime
import http.server
import io
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import AuthorityInformationAccessOID

from documents.pades import fetching
from signatures.models import Signature
from tests import bombs
from tests.pki import (  # noqa: F401  (fixtures)
    ADULT_PESEL,
    Identity,
    _issue,
    _name,
    fast_password_hashing,
    krakow_collecting,
    krakow_supporter,
    make_pki,
    open_krakow,
    pki,
    sign_pdf,
    trusted_roots,
)
from tests.resident_memory import resident_peak


@pytest.fixture(autouse=True)
def answers_in_english(api_client):
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def statement(api_client, initiative) -> bytes:
    response = api_client.post(
        f"/api/v1/initiatives/{initiative.pk}/statement.pdf", krakow_supporter(), format="json"
    )
    assert response.status_code == 200, response.content[:300]
    return response.content


def upload(api_client, initiative, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "oswiadczenie-podpisane.pdf"
    with resident_peak() as peak:
        response = api_client.post(
            f"/api/v1/initiatives/{initiative.pk}/signatures/esigned/", {"file": handle}
        )
    return response, peak


def refusal(response) -> str:
    assert response.status_code == 400, response.content[:300]
    return " ".join(response.json()["file"])


# -- bombs -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_statement_carrying_an_object_stream_bomb_is_refused_clearly(api_client, krakow_collecting):
    """A genuine signed statement and an update after the signature whose catalog sits in an object stream
    of 1 GiB: refused as a bomb, with a budget of memory and time, and nothing recorded."""
    signed = sign_pdf(statement(api_client, krakow_collecting), make_pki().person)
    response, peak = upload(api_client, krakow_collecting, bombs.update_with_object_stream_bomb(signed, 1024))

    assert "holds far more data than a signed statement can" in refusal(response)
    assert peak.mib < 300 and peak.seconds < 5, peak
    assert not Signature.objects.filter(initiative=krakow_collecting).exists()


# -- fetching ----------------------------------------------------------------------------------------------


class Listener:
    """An HTTP server on 127.0.0.1 that records every request; it answers `body`, 404 without one, or never
    (`hang`)."""

    def __init__(self, *, hang: bool = False, content_type: str = "text/plain"):
        listener = self
        self.requests: list[tuple[str, str]] = []
        self.body = b""  # answered with 200 when set
        self.released = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self):
                listener.requests.append((self.command, self.path))
                if hang:
                    listener.released.wait(30)
                    return
                body = listener.body
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def close(self):
        self.released.set()
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def with_urls(issuer: Identity, *, ca_issuers: str = "", ocsp: str = "", crl: str = "") -> Identity:
    """Jan's certificate (PNOPL-<his PESEL>) from `issuer`, naming the given URLs for its issuer's certificate
    (AIA), its OCSP responder and its CRL."""
    access = [
        x509.AccessDescription(method, x509.UniformResourceIdentifier(url))
        for method, url in (
            (AuthorityInformationAccessOID.CA_ISSUERS, ca_issuers),
            (AuthorityInformationAccessOID.OCSP, ocsp),
        )
        if url
    ]
    extensions = [(x509.AuthorityInformationAccess(access), False)] if access else []
    if crl:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl)], None, None, None)
        extensions.append((x509.CRLDistributionPoints([point]), False))
    subject = _name(
        c="PL", given_name="Jan", surname="Kowalski", cn="Jan Kowalski", serial_number=f"PNOPL-{ADULT_PESEL}"
    )
    return _issue(subject, issuer=issuer, ca=False, qualified=True, extensions=tuple(extensions))


@pytest.mark.django_db
def test_nothing_is_fetched_for_a_chain_that_reaches_no_trusted_root(api_client, krakow_collecting, listener):
    """Before: pyHanko followed the certificate's AIA URL to fetch the missing issuer (a blind SSRF for any
    anonymous upload). Now the chain is built offline first; it ends in no configured root, so nothing goes
    out and the upload is refused as untrusted."""
    unknown_root = _issue(_name(cn="Nieznane CA", o="Nobody", c="PL"), issuer=None, ca=True)
    unknown_ca = _issue(_name(cn="Nieznane CA pośrednie", o="Nobody", c="PL"), issuer=unknown_root, ca=True)
    person = with_urls(
        unknown_ca,
        ca_issuers=f"{listener.url}/ca.crt",
        ocsp=f"{listener.url}/ocsp",
        crl=f"{listener.url}/ca.crl",
    )
    person = dataclasses.replace(person, chain=())  # the issuer is left for the validator to fetch

    response, peak = upload(
        api_client, krakow_collecting, sign_pdf(statement(api_client, krakow_collecting), person)
    )

    assert "not from a trusted provider" in refusal(response)
    assert listener.requests == []
    assert peak.seconds < 3, peak


@pytest.mark.django_db
def test_a_trusted_chain_fetches_nothing_from_loopback_or_private_addresses(
    api_client, krakow_collecting, listener
):
    """A certificate of the trusted CA whose OCSP and CRL URLs point inside the server's network: refused
    before connecting, so the listener hears nothing; soft-fail, so the supporter is still counted."""
    person = with_urls(make_pki().qualified_ca, ocsp=f"{listener.url}/ocsp", crl=f"{listener.url}/ca.crl")

    response, peak = upload(
        api_client, krakow_collecting, sign_pdf(statement(api_client, krakow_collecting), person)
    )

    assert response.status_code == 201, response.content[:300]
    assert listener.requests == []
    assert peak.seconds < 3, peak


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
        "224.0.0.1",
        "255.255.255.255",
    ],
)
def test_addresses_inside_any_network_are_not_public(address):
    assert not fetching.public_address(address)


@pytest.mark.parametrize("address", ["151.101.1.69", "2a00:1450:4001:82b::200e", "::ffff:151.101.1.69"])
def test_addresses_of_the_internet_are_public(address):
    assert fetching.public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/ca.crl",
        "file:///etc/passwd",
        "http://user:pass@example.org/",
        "ldap://example.org/",
        "http://localhost/ocsp",
        "http://127.0.0.1:9999/ocsp",
        "http://[::1]/crl",
        "http://10.0.0.1/crl",
    ],
)
def test_urls_the_platform_will_not_fetch(url):
    deadline = fetching._Deadline(2)
    with pytest.raises(fetching.FetchRefused):
        fetching.fetch("GET", url, headers={}, body=None, deadline=deadline)


@pytest.mark.django_db
def test_a_responder_that_never_answers_costs_seconds_not_a_worker(api_client, krakow_collecting, settings):
    """Where the operator allows the responder's network, a responder that accepts and never answers: the
    upload is answered once the fetching deadline is over (it took 10 s a URL before)."""
    hanging = Listener(hang=True)
    try:
        settings.REVOCATION_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        person = with_urls(make_pki().qualified_ca, ocsp=f"{hanging.url}/ocsp", crl=f"{hanging.url}/ca.crl")
        signed = sign_pdf(statement(api_client, krakow_collecting), person)

        response, peak = upload(api_client, krakow_collecting, signed)

        assert response.status_code == 201, response.content[:300]  # soft-fail: no answer is not a refusal
        assert hanging.requests  # it was asked: the deadline, not the address check, ended the wait
        assert peak.seconds < fetching.TOTAL_SECONDS + 2, peak
    finally:
        hanging.close()


def revocation_list(revoked: Identity) -> bytes:
    ca = make_pki().qualified_ca
    now = datetime.datetime.now(datetime.UTC)
    entry = (
        x509.RevokedCertificateBuilder()
        .serial_number(revoked.certificate.serial_number)
        .revocation_date(now - datetime.timedelta(hours=1))
        .build()
    )
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=1))
        .add_revoked_certificate(entry)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )


@pytest.mark.django_db
def test_a_trusted_chain_still_learns_that_its_certificate_was_revoked(
    api_client, krakow_collecting, settings
):
    """The check that fetching serves still works: the CA's CRL (reachable, in an allowed network) lists the
    certificate, and the signature is refused."""
    crl_server = Listener(content_type="application/pkix-crl")
    try:
        settings.REVOCATION_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        person = with_urls(make_pki().qualified_ca, crl=f"{crl_server.url}/ca.crl")
        crl_server.body = revocation_list(person)
        signed = sign_pdf(statement(api_client, krakow_collecting), person)

        response, _peak = upload(api_client, krakow_collecting, signed)

        assert "not from a trusted provider" in refusal(response)
        assert crl_server.requests == [("GET", "/ca.crl")]
    finally:
        crl_server.close()
