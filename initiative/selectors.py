from django.db.models import Prefetch, QuerySet

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
