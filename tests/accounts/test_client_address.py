"""One rule for the client's address (config/rate_limits.py), honouring TRUSTED_PROXY_COUNT, used by DRF's
throttles, the lockout and the pages' limits.

The finding: DRF trusted X-Forwarded-For (NUM_PROXIES unset), so 60 wrong passwords on /api/v1/auth/token/
with a new address in that header each time were never limited.
"""

import pytest
from django.test import RequestFactory

from config.rate_limits import client_address
from tests.accounts.conftest import PASSWORD

TOKEN = "/api/v1/auth/token/"


def obtain(api_client, email, password, forwarded_for):
    return api_client.post(
        TOKEN, {"email": email, "password": password}, format="json", HTTP_X_FORWARDED_FOR=forwarded_for
    )


def test_sixty_wrong_passwords_with_a_new_forwarded_address_each_are_limited(api_client, resident):
    answers = [
        obtain(api_client, resident.email, f"wrong {n}", f"10.0.{n // 250}.{n % 250 + 1}").status_code
        for n in range(60)
    ]

    assert answers.count(400) == 4  # then the lockout (5 wrong passwords) and the throttle (10 a minute)
    assert set(answers[4:]) == {429}


def test_a_new_forwarded_address_each_time_does_not_escape_the_throttle(api_client, resident):
    # The right password: only the per-address throttle (10 a minute) can stop these.
    answers = [obtain(api_client, resident.email, PASSWORD, f"10.1.0.{n + 1}").status_code for n in range(11)]

    assert answers == [200] * 10 + [429]


def test_a_new_forwarded_address_does_not_escape_the_address_lockout(api_client, db):
    answers = [
        obtain(api_client, f"k{n}@example.org", "wrong", forwarded_for=f"10.2.0.{n + 1}").status_code
        for n in range(5)
    ]

    assert answers[-1] == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),  # what the proxy appended
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is left of the proxy's
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # the outer proxy's entry, then the inner's
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the left-most
        (1, "not an address", "192.0.2.1"),  # nonsense never becomes an address
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "192.0.2.1"),
    ],
)
def test_client_address_rule(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_behind_one_proxy_the_client_cannot_rotate_its_address(api_client, resident, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    answers = [
        obtain(api_client, resident.email, PASSWORD, f"10.3.0.{n + 1}, 203.0.113.50").status_code
        for n in range(11)
    ]

    assert answers == [200] * 10 + [429]
    # Another client behind the same proxy is counted on its own.
    assert obtain(api_client, resident.email, PASSWORD, "203.0.113.51").status_code == 200


def test_behind_one_proxy_the_lockout_counts_the_real_client(api_client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        obtain(api_client, f"konto{n}@example.org", "wrong 1", f"10.4.0.{n + 1}, 203.0.113.60")

    assert obtain(api_client, "inne@example.org", "wrong 1", "203.0.113.61").status_code == 400
    assert obtain(api_client, "inne@example.org", "wrong 1", "10.9.9.9, 203.0.113.60").status_code == 429


def test_signing_limits_use_the_same_rule(api_client, settings):
    from signatures.throttles import SigningPerAddressThrottle

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.70")

    assert SigningPerAddressThrottle().get_ident(request) == "203.0.113.70"
