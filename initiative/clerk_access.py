"""Which initiatives a clerk may see: those filed with a council they serve (docs/law.md §The council office).

Every clerk page and endpoint goes through here, so "clerks of other councils see nothing" has one home:
anything else is NotVisible (404), never 403, so nobody learns that an initiative exists elsewhere.
"""

from django.db.models import QuerySet

from initiative.errors import NotVisible
from initiative.models import Initiative


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
