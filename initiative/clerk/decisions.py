"""The council's decisions on a filed initiative, taken by its clerks (docs/architecture.md §Lifecycle;
docs/law.md §The council office).

Each decision runs in one transaction on the initiative locked FOR UPDATE through `initiative_for_clerk`,
so two clerks deciding at once queue up and the second sees the state the first left; it checks its
guards, moves the state (the model's `transition` writes the public timeline) and puts the committee's
e-mails into the outbox in the same transaction: they go out once it commits, and only then.

The supplement period (the local rules' "one supplement period when short", art. 41a ust. 5 u.s.g.):
  - it is open only where the frozen rules give `supplement_days`, and only once per initiative
    (`supplement_requested_at` stays set for good);
  - the initiative goes back to `collecting` for that many Warsaw calendar days, counted from the request
    as a collection window (`collection_end`), and the 3-month clock stops (`consideration_deadline` is
    cleared): the council's term runs from a filing, and the supplemented list is filed anew;
  - during the period supporters sign as before; the committee may file again at any time with `submit`
    (the threshold applies as at the first filing), and at the period's end
    `initiative.filing.submit.supplement_close` files it by itself, whatever the count, with a new packet
    version; either filing starts a new 3-month term, and the council then decides on what was gathered.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiative.clerk.verification import verification_counts
from initiative.emails import send_committee_notice
from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.deadlines import CONSIDERATION_MONTHS, deadline_warnings
from initiative.lifecycle import OUTCOME_STATES, Action, Status
from initiative.models import Initiative, collection_end
from initiative.selectors import initiative_for_clerk

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


def initiative_start_verification(*, initiative_id: int, clerk) -> Initiative:
    """The office starts checking the support list against the register of voters."""
    with transaction.atomic():
        initiative = _locked(initiative_id, clerk, Action.START_VERIFICATION)
        initiative.transition(Action.START_VERIFICATION, actor=clerk)
        _notify(initiative, Action.START_VERIFICATION)
    return initiative


def initiative_accept(
    *, initiative_id: int, clerk, session_date: datetime.date
) -> tuple[Initiative, list[str]]:
    """The draft goes before the council at its session on `session_date`; returns (initiative, warnings).

    Refused while the signatures found valid are fewer than the threshold frozen at opening (art. 41a
    ust. 2 u.s.g.). The session must fall between the filing day and the end of the 3-month term: the
    council takes the draft at its nearest session, no later than 3 months after filing (art. 41a ust. 3).
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
        deadline = initiative.consideration_deadline
        if session_date < filed_on:
            raise InvalidInput(
                {
                    "session_date": [
                        _("The session cannot be before the day of filing, %(filed)s.")
                        % {"filed": formats.date_format(filed_on, "DATE_FORMAT")}
                    ]
                }
            )
        if deadline is not None and session_date > deadline:
            raise InvalidInput(
                {
                    "session_date": [
                        _(
                            "The council must take the draft no later than %(months)d months after filing, "
                            "by "
                            "%(deadline)s (art. 41a ust. 3 of the Act on gmina self-government)."
                        )
                        % {
                            "months": CONSIDERATION_MONTHS,
                            "deadline": formats.date_format(deadline, "DATE_FORMAT"),
                        }
                    ]
                }
            )
        warnings = deadline_warnings(initiative)
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
            collection_ends_at=collection_end(now, days),
            supplement_requested_at=now,
            consideration_deadline=None,
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
