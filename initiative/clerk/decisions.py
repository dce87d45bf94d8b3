"""The council's decisions on a filed initiative, taken by its clerks (docs/architecture.md §Lifecycle;
docs/law.md §The council office, §Deadlines).

Each decision runs in one transaction on the initiative locked FOR UPDATE through `initiative_for_clerk`,
so two clerks deciding at once queue up and the second sees the state the first left; it checks its
guards, moves the state (the model's `transition` writes the public timeline) and puts the committee's
e-mails into the outbox in the same transaction: they go out once it commits, and only then.

Receipt: the office records the day it received the filing (`receive`); the council's 3-month term and
the office's verification term run from that day (initiative.filing.deadlines), and verification cannot
start before it. A correction is possible until verification starts; the first filing's receipt is the
one that counts, so a filing after a supplement period has nothing to receive.

The supplement period (the local rules' "one supplement period when short", art. 41a ust. 5 u.s.g.):
  - it is open only where the frozen rules give `supplement_days`, and only once per initiative
    (`supplement_requested_at` stays set for good);
  - the initiative goes back to `collecting` for that many days, counted from the day of the request, on
    which the committee is told (art. 111 § 2 k.c.: that day is not counted; initiative.terms);
  - the council's term does not move: local rules cannot lengthen the statute's (art. 41a ust. 5
    "z zastrzeżeniem przepisów ustawy");
  - during the period supporters sign and withdraw as before; the committee may file again at any time
    with `submit`, and at the period's end `initiative.filing.submit.supplement_close` files it by itself,
    whatever the count, with a new packet version; the council then decides on what was gathered.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiative.clerk.verification import verification_counts
from initiative.emails import send_committee_notice
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.deadlines import (
    consideration_deadline,
    day_after_filing_problem,
    deadline_warnings,
    late_session_warning,
    verification_deadline,
)
from initiative.lifecycle import OUTCOME_STATES, Action, Status
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from initiative.terms import window_end

REASONS_MAX_LENGTH = 5000


def _locked(initiative_id: int, clerk, action: str) -> Initiative:
    """The initiative locked for this decision, refused (409) unless the decision fits its state.

    The state is checked before the decision's own guards, so that a clerk is told first that, say, an
    initiative already rejected cannot be accepted, not that its count is short.
    """
    initiative = initiative_for_clerk(initiative_id, clerk, lock=True)
    if not initiative.can(action):
        raise TransitionRefused(
            _("The initiative is %(status)s; it cannot be %(action)s now.")
            % {"status": Status(initiative.status).label, "action": Action(action).label}
        )
    return initiative


def _notify(initiative: Initiative, action: str) -> None:
    # In the decision's transaction: the notices exist if and only if the decision does.
    send_committee_notice(initiative.pk, str(action))


def initiative_receive(*, initiative_id: int, clerk, received_on: datetime.date) -> Initiative:
    """The office records the day it received the filing: from its register, or the date of the ePUAP or
    e-Doręczenia receipt. Not a day in the future (Warsaw), nor one before the filing on the platform."""
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.RECEIVE)
        if initiative.supplement_requested_at is not None:
            raise TransitionRefused(
                _("The draft was received before the supplement period; the terms still run from that day.")
            )
        problem = day_after_filing_problem(
            initiative,
            received_on,
            future=_("The day of receipt cannot be in the future."),
            before=_("The draft was filed on %(filed)s; it cannot have been received before."),
        )
        if problem:
            raise InvalidInput({"received_on": [problem]})
        initiative.transition(
            Action.RECEIVE,
            actor=clerk,
            received_on=received_on,
            consideration_deadline=consideration_deadline(received_on),
            verification_deadline=verification_deadline(initiative, received_on),
        )
        _notify(initiative, Action.RECEIVE)
    return initiative


def initiative_start_verification(*, initiative_id: int, clerk) -> Initiative:
    """The office starts checking the support list against the register of voters."""
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.START_VERIFICATION)
        if initiative.received_on is None:
            raise TransitionRefused(
                _("Record first the day the council's office received the draft: the terms run from it.")
            )
        initiative.transition(Action.START_VERIFICATION, actor=clerk)
        _notify(initiative, Action.START_VERIFICATION)
    return initiative


def initiative_accept(
    *, initiative_id: int, clerk, session_date: datetime.date
) -> tuple[Initiative, list[str]]:
    """The draft goes before the council at its session on `session_date`; returns (initiative, warnings).

    Refused while the signatures found valid are fewer than the threshold frozen at opening (art. 41a
    ust. 2 u.s.g.), and for a session before the filing. A session after the council's 3-month term is
    recorded with a warning, never refused: the term binds the council, and its duty to take the draft
    does not end with it (art. 41a ust. 3).
    """
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.ACCEPT)
        counts = verification_counts(initiative)
        if not counts.threshold_met:
            raise TransitionRefused(
                _(
                    "Signatures found valid: %(valid)s of the %(threshold)s needed. The draft cannot be "
                    "accepted: finish the verification, or reject the draft."
                )
                % {"valid": counts.valid, "threshold": counts.threshold}
            )
        filed_on = timezone.localtime(initiative.submitted_at).date()
        if session_date < filed_on:
            raise InvalidInput(
                {
                    "session_date": [
                        _("The session cannot be before the day of filing, %(filed)s.")
                        % {"filed": formats.date_format(filed_on, "DATE_FORMAT")}
                    ]
                }
            )
        warnings = late_session_warning(initiative, session_date) or deadline_warnings(initiative)
        initiative.transition(Action.ACCEPT, actor=clerk, session_date=session_date)
        _notify(initiative, Action.ACCEPT)
    return initiative, warnings


def initiative_request_supplement(*, initiative_id: int, clerk, reason: str = "") -> Initiative:
    """Back to collecting for the one supplement period the local rules give (see the module's notes)."""
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.REQUEST_SUPPLEMENT)
        days = (initiative.rules or {}).get("supplement_days")
        if not days:
            raise TransitionRefused(_("The council's rules give no supplement period."))
        if initiative.supplement_requested_at is not None:
            raise TransitionRefused(_("The one supplement period the rules give has already been used."))
        reason = (reason or "").strip()
        if len(reason) > REASONS_MAX_LENGTH:
            raise InvalidInput(
                {"reason": [_("Keep the note under %(limit)s characters.") % {"limit": REASONS_MAX_LENGTH}]}
            )
        now = timezone.now()
        initiative.transition(
            Action.REQUEST_SUPPLEMENT,
            actor=clerk,
            reason=reason,
            collection_ends_at=window_end(now, days),
            supplement_requested_at=now,
        )
        _notify(initiative, Action.REQUEST_SUPPLEMENT)
    return initiative


def initiative_reject(*, initiative_id: int, clerk, reasons: str) -> Initiative:
    """The office refuses the initiative; the reasons go on the public timeline and to the committee."""
    reasons = (reasons or "").strip()
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.REJECT)
        if not reasons:
            raise InvalidInput({"reasons": [_("Give the reasons for the rejection.")]})
        if len(reasons) > REASONS_MAX_LENGTH:
            raise InvalidInput(
                {
                    "reasons": [
                        _("Keep the reasons under %(limit)s characters.") % {"limit": REASONS_MAX_LENGTH}
                    ]
                }
            )
        initiative.transition(Action.REJECT, actor=clerk, reason=reasons)
        _notify(initiative, Action.REJECT)
    return initiative


RESOLUTION_NUMBER_MAX_LENGTH = 100


def initiative_record_outcome(
    *, initiative_id: int, clerk, outcome: str, resolution_number: str = ""
) -> Initiative:
    """What the council decided on the accepted draft: adopted (with its resolution number when known)
    or not adopted. A resolution number goes with an adopted draft only: a draft not adopted has none."""
    resolution_number = (resolution_number or "").strip()
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.RECORD_OUTCOME)
        if outcome not in OUTCOME_STATES:
            raise InvalidInput({"outcome": [_("Choose adopted or not adopted.")]})
        if outcome == Status.NOT_ADOPTED and resolution_number:
            raise InvalidInput(
                {"resolution_number": [_("A draft that was not adopted has no resolution number.")]}
            )
        if len(resolution_number) > RESOLUTION_NUMBER_MAX_LENGTH:
            raise InvalidInput(
                {
                    "resolution_number": [
                        _("Keep the number under %(limit)s characters.")
                        % {"limit": RESOLUTION_NUMBER_MAX_LENGTH}
                    ]
                }
            )
        initiative.transition(
            Action.RECORD_OUTCOME, actor=clerk, to=outcome, outcome_resolution_number=resolution_number
        )
        _notify(initiative, Action.RECORD_OUTCOME)
    return initiative
