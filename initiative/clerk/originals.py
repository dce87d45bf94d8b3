"""The paper originals (docs/law.md §Forms of support, §The council office): a paper signature is the
handwritten row on the sheet, not its scan, so the committee delivers the sheets to the office and the clerk
records when they arrived and which sheets did not.

- Until the originals are recorded, verdicts on paper rows are refused (initiative.clerk.verification):
  a row cannot be found valid on a scan alone.
- A row of a sheet that did not arrive is invalid, with the reason "original sheet not delivered"; it is
  marked so here, in the same transaction, and goes back to unchecked if the sheet turns up and the clerk
  records that.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.errors import InvalidInput, TransitionRefused
from initiative.filing.deadlines import day_after_filing_problem
from initiative.lifecycle import AWAITING_DECISION_STATES
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from municipalities.models import SignatureMethod
from signatures.models import InvalidReason, Signature, Verdict
from signatures.selectors import counted_signatures, paper_sheets

MAX_MISSING = 10_000


def originals_record(
    *, initiative_id: int, clerk, received_on: datetime.date, missing_sheets: list[int]
) -> Initiative:
    """The day the paper originals reached the office and the sheets that did not; all or nothing."""
    with transaction.atomic():
        initiative = initiative_for_clerk(initiative_id, clerk, lock=True)
        if initiative.status not in AWAITING_DECISION_STATES:
            raise TransitionRefused(_("The originals are recorded while the office verifies the filing."))
        sheets = {sheet.number for sheet in paper_sheets(initiative) if sheet.number is not None}
        missing = sorted(set(missing_sheets))
        errors = {}
        problem = day_after_filing_problem(
            initiative,
            received_on,
            future=_("The day of receipt cannot be in the future."),
            before=_("The draft was filed on %(filed)s; it cannot have been received before."),
        )
        if problem:
            errors["received_on"] = [problem]
        unknown = [number for number in missing if number not in sheets][:20]
        if len(missing) > MAX_MISSING or unknown:
            errors["missing_sheets"] = [
                _("No row on the support list comes from sheet(s) %(numbers)s.")
                % {"numbers": ", ".join(map(str, unknown))}
            ]
        if errors:
            raise InvalidInput(errors)
        initiative.originals_received_on = received_on
        initiative.originals_missing = missing
        initiative.save(update_fields=["originals_received_on", "originals_missing", "updated_at"])
        _mark_missing(initiative, missing, clerk)
    return initiative


def _mark_missing(initiative: Initiative, missing: list[int], clerk) -> None:
    """Rows of missing sheets invalid; rows of sheets marked missing before and now delivered, unchecked."""
    paper = counted_signatures(initiative).filter(method=SignatureMethod.PAPER)
    now = timezone.now()
    paper.filter(verdict_reason=InvalidReason.NO_ORIGINAL).exclude(evidence__sheet_number__in=missing).update(
        verdict=Verdict.UNCHECKED, verdict_reason="", verdict_by=clerk, verdict_at=now
    )
    if missing:
        paper.filter(evidence__sheet_number__in=missing).update(
            verdict=Verdict.INVALID,
            verdict_reason=InvalidReason.NO_ORIGINAL,
            verdict_by=clerk,
            verdict_at=now,
        )


def paper_rows_waiting_for_originals(initiative: Initiative, signature_ids: list[int]) -> set[int]:
    """Which of these rows are on paper while the originals are not recorded (their verdicts wait)."""
    if initiative.originals_received_on is not None:
        return set()
    return set(
        Signature.objects.filter(
            pk__in=signature_ids, initiative_id=initiative.pk, method=SignatureMethod.PAPER
        ).values_list("pk", flat=True)
    )


def rows_of_missing_sheets(initiative: Initiative, signature_ids: list[int]) -> set[int]:
    """Which of these rows come from a sheet whose original did not arrive (they can only be invalid)."""
    if not initiative.originals_missing:
        return set()
    return set(
        Signature.objects.filter(
            pk__in=signature_ids,
            initiative_id=initiative.pk,
            evidence__sheet_number__in=initiative.originals_missing,
        ).values_list("pk", flat=True)
    )
