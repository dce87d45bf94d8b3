from django.db.models import Prefetch, QuerySet

from initiative.errors import NotVisible
from initiative.lifecycle import PUBLIC_STATES
from initiative.models import CommitteeMember, Initiative


def _with_related(queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return queryset.select_related("municipality", "template_version__template").prefetch_related(
        "status_changes",
        Prefetch(
            "committee_members",
            queryset=CommitteeMember.objects.filter(left_at__isnull=True).select_related("user"),
            to_attr="active_members",
        ),
    )


def initiatives_public(*, municipality: str = "", status: str = "") -> QuerySet[Initiative]:
    """Initiatives anyone may see: every one but drafts."""
    initiatives = Initiative.objects.filter(status__in=PUBLIC_STATES)
    if municipality:
        initiatives = initiatives.filter(municipality__teryt=municipality)
    if status:
        initiatives = initiatives.filter(status=status)
    return _with_related(initiatives).order_by("-opened_at", "-pk")


def initiative_visible(initiative_id: int, user) -> Initiative | None:
    """The initiative if this person may see it: public states to all, drafts to their committee."""
    initiative = _with_related(Initiative.objects.filter(pk=initiative_id)).first()
    if initiative is None or initiative.status in PUBLIC_STATES:
        return initiative
    if user.is_authenticated and any(member.user_id == user.pk for member in initiative.active_members):
        return initiative
    return None


def initiatives_of_member(user) -> QuerySet[Initiative]:
    return _with_related(
        Initiative.objects.filter(committee_members__user=user, committee_members__left_at__isnull=True)
    ).distinct()


# -- the council office: which initiatives a clerk may see (docs/law.md §The council office) ------------
# Every clerk page and endpoint, and the packet's download, go through these two, so "clerks of other
# councils see nothing" has one home: anything else is NotVisible (404), never 403, so nobody learns that an
# initiative exists elsewhere.


def initiatives_for_clerk(user) -> QuerySet[Initiative]:
    """Initiatives filed (at least once) with the councils the user serves as a clerk."""
    if not (user and user.is_authenticated):
        return Initiative.objects.none()
    return Initiative.objects.filter(
        municipality__clerk_memberships__user=user, submitted_at__isnull=False
    ).select_related("municipality")


def initiative_for_clerk(initiative_id: int, user, *, lock: bool = False) -> Initiative:
    """The initiative if the user is a clerk of its council and it has been filed; else NotVisible.

    `lock=True` takes the row FOR UPDATE (call inside a transaction): decisions and verdicts of two
    clerks on one initiative then queue up.
    """
    queryset = initiatives_for_clerk(user)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    initiative = queryset.filter(pk=initiative_id).first()
    if initiative is None:
        raise NotVisible
    return initiative
