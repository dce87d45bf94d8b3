"""The notice to the council's chair that some councils require before collecting (Gliwice, Katowice), and
the terms some count from it (Trzcianka IV/34/19: collection counted from the notice, filing within 2 months
of it): docs/law.md §Local rules. The rules say whether (`chair_notice`, `filing_months_after_notice`).

The committee notifies the chair itself, in writing, as the resolution says, and records the day here;
opening waits for it, a collection window runs from it, and filing after its term is refused.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, TransitionRefused
from initiative.models import Initiative
from initiative.terms import add_months


def chair_notice_problems(initiative: Initiative, rules) -> list[str]:
    """Why opening waits for the notice; empty when the rules ask none or it is recorded."""
    if not rules.chair_notice or initiative.chair_notified_on is not None:
        return []
    return [
        _(
            "The council's rules require the committee to notify the council's chair before collecting "
            "signatures: notify the chair and record the day you did."
        )
    ]


def collection_counted_from(initiative: Initiative, rules, opened_at: datetime.datetime) -> datetime.datetime:
    """The moment a collection window counts from: the notice's day where the rules ask for one (its first
    day left out, art. 111 § 2 k.c., as for any window), the opening otherwise."""
    if rules.chair_notice and initiative.chair_notified_on is not None:
        return timezone.make_aware(datetime.datetime.combine(initiative.chair_notified_on, datetime.time(12)))
    return opened_at


def filing_deadline(initiative: Initiative) -> datetime.date | None:
    """The last day to file under the rules frozen at opening (a term of months from the notice,
    art. 112 k.c.); None where they set none."""
    months = (initiative.rules or {}).get("filing_months_after_notice")
    if not months or initiative.chair_notified_on is None:
        return None
    return add_months(initiative.chair_notified_on, months)


def filing_deadline_problem(initiative: Initiative, *, today: datetime.date | None = None) -> str:
    deadline = filing_deadline(initiative)
    if deadline is None or (today or timezone.localdate()) <= deadline:
        return ""
    return _(
        "The council's rules want the draft filed within %(months)d months of the notice to the chair, by "
        "%(deadline)s; that term has passed."
    ) % {
        "months": initiative.rules["filing_months_after_notice"],
        "deadline": formats.date_format(deadline, "DATE_FORMAT"),
    }


def chair_notice_record(*, initiative_id: int, actor, notified_on: datetime.date) -> Initiative:
    """A member records the day the committee notified the chair (while the initiative is a draft)."""
    with transaction.atomic():
        initiative = initiative_for_member(initiative_id, actor, lock=True)
        if not initiative.committee_editable:
            raise TransitionRefused(_("The notice to the chair is recorded before collection opens."))
        if notified_on > timezone.localdate():
            raise InvalidInput({"notified_on": [_("The day of the notice cannot be in the future.")]})
        if notified_on < timezone.localtime(initiative.created_at).date():
            raise InvalidInput(
                {"notified_on": [_("The day of the notice cannot be before the draft was made.")]}
            )
        initiative.chair_notified_on = notified_on
        initiative.save(update_fields=["chair_notified_on", "updated_at"])
    return initiative
