"""Fixtures of the filing tests: a small sealed packet and its part for the packet-checking tests
(tests/initiative/filing/sealed_packets.py), the test seal they are sealed and checked with (tests/pki.py),
and a Kraków filing with an e-signed statement and a paper row."""

# ruff: noqa: F811  (the fixtures imported from tests/pki.py are named again as fixture arguments)
import pytest

from initiative.filing.submit import initiative_submit
from initiative.models import Initiative, Packet
from signatures.paper.services import paper_row_enter
from tests.initiative.conftest import paper_supporter
from tests.initiative.filing.packet_files import stored_bytes
from tests.initiative.filing.sealed_packets import packet, part  # noqa: F401  (fixtures)
from tests.pki import (  # noqa: F401  (fixtures)
    krakow_collecting,
    krakow_supporter,
    open_krakow,
    pki,
    pki_server,
    seal_pki,
    seal_settings,
    sign_pdf,
    trusted_roots,
)


@pytest.fixture
def krakow_filed_with_esignature(
    seal_settings, krakow_collecting, author, pki, django_capture_on_commit_callbacks
):
    """Kraków accepts qualified signatures: one e-signed statement and one paper row, threshold 2."""
    from signatures.esign import services as esignature

    initiative = krakow_collecting
    statement = esignature.statement_pdf(initiative, krakow_supporter())
    esignature.esigned_submit(initiative_id=initiative.pk, file=sign_pdf(statement, pki.person))
    paper_row_enter(
        initiative_id=initiative.pk,
        actor=author,
        data={**paper_supporter(3), "address": "ul. Floriańska 3, 31-019 Kraków"},
        sheet_number=1,
    )
    Initiative.objects.filter(pk=initiative.pk).update(signature_threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        initiative_submit(initiative_id=initiative.pk, actor=author)
    packet = Packet.objects.get(initiative=initiative)
    return packet, stored_bytes(packet)
