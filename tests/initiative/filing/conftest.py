"""Fixtures of the packet-checking tests (test_verify_packet*.py): a small sealed packet and its part
(tests/initiative/filing/sealed_packets.py), and the test seal they are sealed and checked with
(tests/pki.py)."""

from tests.initiative.filing.sealed_packets import packet, part  # noqa: F401  (fixtures)
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)
