"""The states of an initiative and the table of transitions between them (docs/architecture.md §Lifecycle).

The table is the one place that says which action may start from which state; the model's transition
method checks it, and the services add the guards that look at other rows (the committee, the count).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    COLLECTING = "collecting", _("collecting support")
    SUBMITTED = "submitted", _("filed with the council")
    UNDER_VERIFICATION = "under_verification", _("signatures under verification")
    ACCEPTED = "accepted", _("accepted for the council's session")
    REJECTED = "rejected", _("rejected")
    ADOPTED = "adopted", _("adopted by the council")
    NOT_ADOPTED = "not_adopted", _("not adopted by the council")
    WITHDRAWN = "withdrawn", _("withdrawn by the committee")
    EXPIRED = "expired", _("collection window ended")


class Action(models.TextChoices):
    CREATE = "create", _("created")
    OPEN = "open", _("opened for signatures")
    WITHDRAW = "withdraw", _("withdrawn")
    EXPIRE = "expire", _("expired")
    SUBMIT = "submit", _("filed")
    RECEIVE = "receive", _("received by the council office")
    START_VERIFICATION = "start_verification", _("verification started")
    REQUEST_SUPPLEMENT = "request_supplement", _("supplement requested")
    ACCEPT = "accept", _("accepted")
    REJECT = "reject", _("rejected")
    RECORD_OUTCOME = "record_outcome", _("outcome recorded")


# action: (states it may start from, states it may lead to)
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Action.OPEN: (frozenset({Status.DRAFT}), frozenset({Status.COLLECTING})),
    Action.WITHDRAW: (frozenset({Status.DRAFT, Status.COLLECTING}), frozenset({Status.WITHDRAWN})),
    Action.EXPIRE: (frozenset({Status.COLLECTING}), frozenset({Status.EXPIRED})),
    Action.SUBMIT: (frozenset({Status.COLLECTING}), frozenset({Status.SUBMITTED})),
    # The office records the day it received the filing (art. 41a ust. 3 u.s.g.: the term runs from it); the
    # state stays, the timeline shows the step.
    Action.RECEIVE: (frozenset({Status.SUBMITTED}), frozenset({Status.SUBMITTED})),
    Action.START_VERIFICATION: (frozenset({Status.SUBMITTED}), frozenset({Status.UNDER_VERIFICATION})),
    # One supplement period where the local rules give one: back to collecting (art. 41a ust. 5 u.s.g.).
    Action.REQUEST_SUPPLEMENT: (frozenset({Status.UNDER_VERIFICATION}), frozenset({Status.COLLECTING})),
    Action.ACCEPT: (frozenset({Status.UNDER_VERIFICATION}), frozenset({Status.ACCEPTED})),
    Action.REJECT: (frozenset({Status.UNDER_VERIFICATION}), frozenset({Status.REJECTED})),
    Action.RECORD_OUTCOME: (frozenset({Status.ACCEPTED}), frozenset({Status.ADOPTED, Status.NOT_ADOPTED})),
}

# Named groups of states, used by queries and guards alike.
PUBLIC_STATES = frozenset(Status) - {Status.DRAFT}
FINISHED_STATES = frozenset(
    {Status.REJECTED, Status.ADOPTED, Status.NOT_ADOPTED, Status.WITHDRAWN, Status.EXPIRED}
)
# The draft's text and its committee may change only before collection opens: supporters sign that text.
COMMITTEE_EDITABLE_STATES = frozenset({Status.DRAFT})
# The support list is open: supporters sign and withdraw, the committee types paper rows and adds scans, and
# the committee may file. A supplement period (art. 41a ust. 5 u.s.g.) reopens it in the same state.
COLLECTING_STATES = frozenset({Status.COLLECTING})
# The council has decided on the accepted draft (art. 41a ust. 3 u.s.g.).
OUTCOME_STATES = TRANSITIONS[Action.RECORD_OUTCOME][1]
# Filed and before the council office's decision: the 3-month deadline runs from the office's receipt
# (art. 41a ust. 3 u.s.g.); an accepted draft has its session date. A supplement period does not move it.
AWAITING_DECISION_STATES = frozenset({Status.SUBMITTED, Status.UNDER_VERIFICATION})
# The council's term may be running: awaiting the decision, or collecting again in a supplement period (a
# collecting initiative has a term only then; the term is set when the office records receipt).
TERM_RUNNING_STATES = AWAITING_DECISION_STATES | COLLECTING_STATES
