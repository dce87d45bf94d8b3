"""Filing with the council (docs/law.md §Opening and filing, §The packet): the committee's `submit`, and the
automatic filing that ends a supplement period.

Filing locks the initiative FOR UPDATE. Signers hold it FOR SHARE while they sign (signatures.services), so
filing waits for every signature under way and the count it checks is the count it freezes: from here the
state is no longer `collecting`, and no signature can be added or withdrawn.
"""

import calendar
import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.committee import locked_initiative_for_member
from initiative.errors import TransitionRefused
from initiative.lifecycle import Action, Status
from initiative.models import Initiative, Packet
from initiative.services import initiatives_expire_due
from initiative.tasks import build_packet_task
from signatures.selectors import support_count

CONSIDERATION_MONTHS = 3  # art. 41a ust. 3 u.s.g. (art. 42a ust. 3 u.s.p., art. 89a ust. 3 u.s.w.)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """A term in months ends on the day whose date matches the first day, or on the last day of the month
    when that month has no such date (art. 112 of the Civil Code): 30 November + 3 months = 28/29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def consideration_deadline(filed_at: datetime.datetime) -> datetime.date:
    """The last day on which the council may take the draft: 3 months after filing, Warsaw calendar days."""
    return add_months(timezone.localtime(filed_at).date(), CONSIDERATION_MONTHS)


def _file(initiative: Initiative, *, actor) -> Packet:
    """Move a locked, collecting initiative to `submitted` and order its next packet version."""
    now = timezone.now()
    initiative.transition(
        Action.SUBMIT, actor=actor, submitted_at=now, consideration_deadline=consideration_deadline(now)
    )
    latest = initiative.packets.aggregate(latest=Max("version"))["latest"] or 0
    packet = Packet.objects.create(initiative=initiative, version=latest + 1)
    # Robust: the filing has committed; a broker out of reach must not turn it into an error for the
    # committee. The packet stays `building` and the hourly sweep orders it (build.packets_reorder).
    transaction.on_commit(lambda: build_packet_task.delay(packet.pk), robust=True)
    return packet


def initiative_submit(*, initiative_id: int, actor) -> Initiative:
    """The committee files once the counted signatures reach the threshold frozen at opening."""
    with transaction.atomic():
        initiative, _seat = locked_initiative_for_member(initiative_id, actor)
        if initiative.status == Status.COLLECTING:
            counted = support_count(initiative).counted
            if counted < initiative.signature_threshold:
                raise TransitionRefused(
                    _("The initiative has %(counted)s of the %(threshold)s signatures it needs to be filed.")
                    % {"counted": counted, "threshold": initiative.signature_threshold}
                )
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
        status=Status.COLLECTING,
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
