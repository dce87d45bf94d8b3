"""What pyHanko may fetch on behalf of an uploaded signature (docs/security.md "Fetching on behalf of an
upload").

A certificate names URLs: its issuer's certificate (AIA), an OCSP responder, CRLs. Whoever uploads a signed
file chooses the certificate, so fetching them blindly lets an anonymous upload make the server call any
address, inside the network too, and hold a worker while it waits. So:

- nothing is fetched for a chain that does not already end in a configured root without the network
  (`validation` checks offline first), and never an issuer's certificate (AIA): only the revocation status
  (OCSP, CRLs) of a path already built to a trusted root;
- a URL is fetched only over http(s), from a host whose every address is public (no loopback, private,
  link-local, shared, reserved or multicast address, unless the operator lists its network in
  REVOCATION_FETCH_ALLOWED_NETWORKS; the connection goes to the address that was checked, so a second DNS
  answer cannot move it), without following redirects;
- a few requests, each with a short timeout, and all of them within one deadline; an answer of at most
  `MAX_ANSWER_BYTES`.

A refused or failed fetch is a fetch error to pyHanko; in soft-fail mode it does not refuse the signature
(a revoked certificate does).
"""

import asyncio
import concurrent.futures
import dataclasses
import ipaddress
import logging
import socket
import threading
import time
import urllib.parse

import requests
import urllib3
from django.conf import settings
from pyhanko_certvalidator.fetchers import FetcherBackend, Fetchers
from pyhanko_certvalidator.fetchers.api import FetchLimits
from pyhanko_certvalidator.fetchers.common_utils import FetchBudget
from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import RequestsCertificateFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import RequestsOCSPFetcher

logger = logging.getLogger("documents.pades")

REQUEST_TIMEOUT_SECONDS = 2
TOTAL_SECONDS = 4  # all the fetching of one validation
MAX_REQUESTS = 4  # an OCSP answer and a CRL for the signer's certificate and its issuing CA
MAX_ANSWER_BYTES = 10 * 1024 * 1024  # qualified CAs' CRLs run to a few MB
_CHUNK = 64 * 1024
_LOOKUPS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="revocation-dns")


class FetchRefused(requests.RequestException):
    """A URL the platform will not fetch, or an answer it will not take (pyHanko's fetchers turn a
    RequestException into their fetch error)."""


def public_address(address: str) -> bool:
    """Whether an IP address is one of the public internet's (not ours, not our network's)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour or ip.teredo):
        embedded = ip.ipv4_mapped or ip.sixtofour or ip.teredo[1]
        return public_address(str(embedded))
    return ip.is_global and not ip.is_multicast


def fetchable_address(address: str) -> bool:
    """A public address, or one in a network the operator allows (REVOCATION_FETCH_ALLOWED_NETWORKS)."""
    if public_address(address):
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(ip in ipaddress.ip_network(network, strict=False) for network in _allowed_networks())


def _allowed_networks() -> list[str]:
    return [network.strip() for network in settings.REVOCATION_FETCH_ALLOWED_NETWORKS if network.strip()]


@dataclasses.dataclass(frozen=True)
class _Answer:
    """What pyHanko's fetchers read of an answer."""

    status_code: int
    headers: object  # case-insensitive, as pyHanko reads them
    content: bytes


class _Deadline:
    def __init__(self, seconds: float):
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()

    def left(self) -> float:
        with self._lock:
            left = self._ends - time.monotonic()
        if left <= 0:
            raise FetchRefused("the time allowed for fetching is over")
        return left


def fetch(method: str, url: str, *, headers: dict, body: bytes | None, deadline: _Deadline) -> _Answer:
    """One guarded request (see the module's docs); FetchRefused for anything not allowed or not answered."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise FetchRefused("only plain http(s) URLs are fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused("bad port") from error
    address = _checked_address(parts.hostname, port, deadline)
    timeout = min(REQUEST_TIMEOUT_SECONDS, deadline.left())
    options = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False, "maxsize": 1}
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=parts.hostname, assert_hostname=parts.hostname, **options
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        with pool:
            answer = pool.urlopen(
                method,
                target,
                body=body,
                headers={**headers, "Host": host},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                if answer.status != 200:
                    raise FetchRefused(f"status {answer.status}")
                content = _read_bounded(answer, deadline)
                return _Answer(answer.status, answer.headers, content)
            finally:
                answer.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise FetchRefused(type(error).__name__) from error


def _checked_address(host: str, port: int, deadline: _Deadline) -> str:
    """The address to connect to: every address the name has must be public. The lookup runs on a thread of
    its own so that a resolver that does not answer costs no more than the deadline."""
    lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        found = lookup.result(timeout=min(REQUEST_TIMEOUT_SECONDS, deadline.left()))
    except concurrent.futures.TimeoutError as error:
        raise FetchRefused("the name did not resolve in time") from error
    except OSError as error:
        raise FetchRefused("the name does not resolve") from error
    addresses = [entry[4][0] for entry in found]
    if not addresses or not all(fetchable_address(address) for address in addresses):
        raise FetchRefused("not a public address")
    return addresses[0]


def _read_bounded(answer, deadline: _Deadline) -> bytes:
    pieces, size = [], 0
    while True:
        deadline.left()  # a server that trickles bytes is stopped by the deadline, not only by each read's
        piece = answer.read1(_CHUNK)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > MAX_ANSWER_BYTES:
            raise FetchRefused("the answer is too large")
        pieces.append(piece)


class _GuardedRequests:
    """Replaces pyHanko's requests calls (RequestsFetcherMixin._get and _post) with `fetch`."""

    deadline: _Deadline

    def _get(self, url, *, acceptable_content_types):
        headers = {"Accept": ",".join(acceptable_content_types), "User-Agent": self.user_agent}
        return self._guarded("GET", url, headers, None)

    def _post(self, url, data, *, content_type, acceptable_content_types):
        headers = {
            "Accept": ",".join(acceptable_content_types),
            "User-Agent": self.user_agent,
            "Content-Type": content_type,
        }
        return self._guarded("POST", url, headers, data)

    async def _guarded(self, method, url, headers, body):
        try:
            return await asyncio.to_thread(
                fetch, method, url, headers=headers, body=body, deadline=self.deadline
            )
        except FetchRefused as refused:
            logger.info("revocation fetch refused: %s", refused)  # the reason only: a URL may name a person
            raise


class _GuardedOcspFetcher(_GuardedRequests, RequestsOCSPFetcher):
    pass


class _GuardedCrlFetcher(_GuardedRequests, RequestsCRLFetcher):
    pass


class _GuardedCertificateFetcher(_GuardedRequests, RequestsCertificateFetcher):
    pass  # never reaches the network: the limits allow no certificate request


class GuardedFetcherBackend(FetcherBackend):
    """pyHanko's fetchers for one validation, every request through `fetch`, under one deadline."""

    LIMITS = FetchLimits(max_requests=MAX_REQUESTS, max_cert_requests=0, max_aia_urls_per_object=0)

    def get_fetchers(self) -> Fetchers:
        budget = FetchBudget(self.LIMITS)
        deadline = _Deadline(TOTAL_SECONDS)
        fetchers = []
        for kind in (_GuardedOcspFetcher, _GuardedCrlFetcher, _GuardedCertificateFetcher):
            fetcher = kind(per_request_timeout=REQUEST_TIMEOUT_SECONDS, budget=budget)
            fetcher.deadline = deadline
            fetchers.append(fetcher)
        return Fetchers(ocsp_fetcher=fetchers[0], crl_fetcher=fetchers[1], cert_fetcher=fetchers[2])

    async def close(self):
        return None
