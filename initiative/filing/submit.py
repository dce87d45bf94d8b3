"""Filing with the council (docs/law.md §Opening and filing, §The packet): the committee's `submit`, and the
automatic filing that ends a supplement period.

Filing locks the initiative FOR UPDATE. Signers hold it FOR SHARE while they sign (signatures.services), so
filing waits for every signature under way and the count it checks is the count it freezes: from here the
state is no longer `collecting`, and no signature can be added or withdrawn.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.chair_notice import filing_deadline_problem
from initiative.committee import initiative_for_member
from initiative.errors import TransitionRefused
from initiative.filing.tasks import build_packet_task
from initiative.lifecycle import COLLECTING_STATES, Action
from initiative.models import Initiative, Packet
from initiative.services import initiatives_expire_due
from signatures.selectors import support_count


def _file(initiative: Initiative, *, actor) -> Packet:
    """Move a locked, collecting initiative to `submitted` and order its next packet version."""
    # The council's term starts only when the office records receipt (initiative.clerk.decisions); a filing
    # after a supplement period keeps the term the first receipt started (initiative.filing.deadlines).
    initiative.transition(Action.SUBMIT, actor=actor, submitted_at=timezone.now())
    latest = initiative.packets.aggregate(latest=Max("version"))["latest"] or 0
    packet = Packet.objects.create(initiative=initiative, version=latest + 1)
    # Robust: the filing has committed; a broker out of reach must not turn it into an error for the
    # committee. The packet stays `building` and the hourly sweep orders it (build.packets_reorder).
    transaction.on_commit(lambda: build_packet_task.delay(packet.pk), robust=True)
    return packet


def initiative_submit(*, initiative_id: int, actor) -> Initiative:
    """The committee files once the counted signatures reach the threshold frozen at opening."""
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if initiative.collects_signatures:
            count = support_count(initiative)
            if not count.reached:
                raise TransitionRefused(
                    _("The initiative has %(counted)s of the %(threshold)s signatures it needs to be filed.")
                    % {"counted": count.counted, "threshold": count.threshold}
                )
            late = filing_deadline_problem(initiative)
            if late:
                raise TransitionRefused(late)
        _file(initiative, actor=actor)
    return initiative


def supplement_close(*, initiative_id: int) -> Initiative:
    """At the end of a supplement period the initiative is filed again by itself, with a new packet
    version, whatever the count: the council then decides on what was gathered (a system action)."""
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative_id)
        if initiative.supplement_requested_at is None or initiative.collection_ends_at > timezone.now():
            raise TransitionRefused(_("The supplement period has not ended."))
        _file(initiative, actor=None)
    return initiative


def collection_windows_close() -> int:
    """The periodic task's work: first collections expire, supplement periods end in filing again.
    Returns how many windows were closed."""
    closed = initiatives_expire_due()
    due = Initiative.objects.filter(
        status__in=COLLECTING_STATES,
        collection_ends_at__lte=timezone.now(),
        supplement_requested_at__isnull=False,
    )
    for initiative_id in due.values_list("pk", flat=True):
        try:
            supplement_close(initiative_id=initiative_id)
        except TransitionRefused:
            continue  # withdrawn or filed by the committee in the meantime
        closed += 1
    return closed
