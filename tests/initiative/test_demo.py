"""The demo data of `make run`: a collecting initiative, a draft, and one filed with its sealed packet."""

from initiative.demo import seed_initiatives
from initiative.filing.packet.storage import packet_file_read
from initiative.filing.packet.verify import packet_verify
from initiative.lifecycle import Status
from initiative.models import Initiative, PacketStatus
from tests.pki import pki_server, seal_pki, seal_settings  # noqa: F401  (fixtures)


def test_the_demo_has_one_initiative_in_each_stage_and_a_valid_packet(
    demo_units,
    templates,
    seal_settings,  # noqa: F811  (the fixture imported above)
    media,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        seed_initiatives()
    statuses = sorted(Initiative.objects.values_list("municipality__teryt", "status"))
    assert statuses == [
        ("2416032", Status.SUBMITTED),
        ("2466011", Status.COLLECTING),
        ("2466011", Status.DRAFT),
    ]
    filed = Initiative.objects.get(status=Status.SUBMITTED)
    packet = filed.packets.get()
    assert (packet.status, packet.records) == (PacketStatus.READY, filed.signature_threshold)
    assert packet_verify(packet_file_read(packet)).valid

    with django_capture_on_commit_callbacks(execute=True):
        seed_initiatives()  # idempotent, as `make run` seeds on every start
    assert Initiative.objects.count() == 3 and filed.packets.count() == 1
