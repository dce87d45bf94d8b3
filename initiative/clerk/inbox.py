"""Reads for the clerk's inbox and initiative screen: the initiatives of their councils in the order of
urgency, each with its verification counts, days left and packet versions.

Everything starts from `initiatives_for_clerk`, so a clerk never reads another council's initiative.
"""

import dataclasses

from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When

from initiative.clerk.verification import VerificationCounts, verification_counts_of
from initiative.errors import NotVisible
from initiative.filing.deadlines import (
    DEADLINE_WARNING_DAYS,
    days_left,
    deadline_warnings,
    verification_warnings,
)
from initiative.lifecycle import AWAITING_DECISION_STATES, FINISHED_STATES, Action
from initiative.models import CommitteeMember, Initiative, Packet
from initiative.selectors import initiatives_for_clerk


# While the office and the council still owe a decision within the 3-month term (art. 41a ust. 3 u.s.g.).
def clerk_initiatives(user) -> QuerySet[Initiative]:
    """The clerk's initiatives: open ones first (receipt to record, then nearest deadline); finished after."""
    return (
        initiatives_for_clerk(user)
        .select_related("template_version__template")
        .prefetch_related(
            "status_changes",
            Prefetch("packets", queryset=Packet.objects.order_by("-version"), to_attr="packet_versions"),
            Prefetch(
                "committee_members",
                queryset=CommitteeMember.objects.filter(left_at__isnull=True).select_related("user"),
                to_attr="active_members",
            ),
        )
        .annotate(
            finished=Case(
                When(status__in=FINISHED_STATES, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        # Filings whose receipt is not recorded yet come first: their term cannot start until it is.
        .order_by("finished", F("consideration_deadline").asc(nulls_first=True), "-submitted_at", "-pk")
    )


@dataclasses.dataclass(frozen=True)
class ClerkView:
    """One initiative as a clerk sees it: the counts of the verification and what may be decided now."""

    initiative: Initiative
    counts: VerificationCounts
    days_left: int | None
    warnings: list[str]

    @property
    def awaiting_decision(self) -> bool:
        """Received by the office and not yet accepted or rejected: the council's term is running."""
        return self.initiative.status in AWAITING_DECISION_STATES and self.days_left is not None

    @property
    def deadline_close(self) -> bool:
        """The council's term has 14 days or fewer left while the draft still waits for its decision."""
        return self.awaiting_decision and self.days_left <= DEADLINE_WARNING_DAYS

    @property
    def packets(self) -> list[Packet]:
        versions = getattr(self.initiative, "packet_versions", None)
        return versions if versions is not None else list(self.initiative.packets.order_by("-version"))

    @property
    def latest_packet(self) -> Packet | None:
        return self.packets[0] if self.packets else None

    @property
    def supplement_available(self) -> bool:
        """The rules give a supplement period and it has not been used (initiative.clerk.decisions)."""
        return bool((self.initiative.rules or {}).get("supplement_days")) and (
            self.initiative.supplement_requested_at is None
        )

    @property
    def in_supplement(self) -> bool:
        return self.initiative.collects_signatures and self.initiative.supplement_requested_at is not None

    @property
    def actions(self) -> dict[str, bool]:
        """The decisions the state allows (Initiative.can); the service checks the rest and says why not."""
        can = self.initiative.can
        return {
            # Receipt is recorded once, for the first filing, and may be corrected until verification starts.
            "receive": can(Action.RECEIVE) and self.initiative.supplement_requested_at is None,
            "start_verification": can(Action.START_VERIFICATION) and self.initiative.received_on is not None,
            # The paper originals, while the office verifies (initiative.clerk.originals).
            "originals": self.initiative.status in AWAITING_DECISION_STATES,
            "accept": can(Action.ACCEPT),
            "request_supplement": can(Action.REQUEST_SUPPLEMENT) and self.supplement_available,
            "reject": can(Action.REJECT),
            "record_outcome": can(Action.RECORD_OUTCOME),
        }


def clerk_views(initiatives) -> list[ClerkView]:
    initiatives = list(initiatives)
    counts = verification_counts_of(initiatives)
    return [
        ClerkView(
            initiative=initiative,
            counts=counts[initiative.pk],
            days_left=days_left(initiative),
            warnings=[*deadline_warnings(initiative), *verification_warnings(initiative)]
            if initiative.status in AWAITING_DECISION_STATES
            else [],
        )
        for initiative in initiatives
    ]


def clerk_view(initiative_id: int, user) -> ClerkView:
    """One initiative for its clerk; NotVisible (404) for anybody else."""
    initiative = clerk_initiatives(user).filter(pk=initiative_id).first()
    if initiative is None:
        raise NotVisible
    return clerk_views([initiative])[0]
