"""Erasing supporters' personal data after the retention period (docs/law.md §Personal data; docs/privacy.md).

The signatures layer erases its own rows; `initiative.filing.retention` decides when. What goes: the encrypted
personal fields of every signature, the e-mails to supporters still waiting in the outbox (addresses and
links), and the scans of paper sheets (file and row). What stays: each row with its form, status, keyed
identity hash, citizenship, day of signing, verdict and evidence (a validation summary and checksums, no
personal data: see signatures.esign.services and signatures.paper.services), so the counts, the sharded
tally and the
packet's integrity appendix stay exactly as they were. Art. 5 ust. 1 lit. e RODO (storage limitation).
"""

import dataclasses
import datetime
import functools
import logging
import operator

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from initiative.errors import TransitionRefused
from initiative.lifecycle import FINISHED_STATES
from initiative.models import Initiative
from outbox.services import emails_cancel
from personal_data.models import DeletionLog
from signatures.emails import supporters_reference
from signatures.models import PaperSheetScan, Signature, SignatureStatus
from signatures.signed_files import signed_files_delete

logger = logging.getLogger(__name__)

PERSONAL_FIELDS = ("first_names", "last_name", "address", "pesel", "birth_date", "email")
# The keyed hashes are pseudonymised data (art. 4 pkt 5 RODO): they go too. The identity hash takes a value
# of the row's own, unique and derived from nothing about the person, so the one-per-person index still
# holds; the tally's counts stay as aggregates.
ERASED = {
    **dict.fromkeys(PERSONAL_FIELDS, ""),
    "identity_hash": Concat(Value("erased:"), Cast("pk", CharField())),
    "email_hash": "",
}
# A row still holding any personal field: erased rows are skipped, so erasing twice changes nothing.
HOLDS_PERSONAL_DATA = functools.reduce(operator.or_, (~Q(**{name: ""}) for name in PERSONAL_FIELDS))
WITHDRAWN_NOTE = "supporters' own withdrawals"
# Rows whose `withdrawn_at` is a withdrawal by the holder of the link: a repeat declaration's address goes
# as a signature's does (signatures/repeats.py).
WITHDRAWABLE = (SignatureStatus.WITHDRAWN, SignatureStatus.REPEATED)


@dataclasses.dataclass(frozen=True)
class SignaturesErased:
    """How many rows one erasure changed: for the deletion log (counts only, never data)."""

    signatures: int
    notices: int  # e-mails to supporters withdrawn from the outbox before they went
    scans: int
    signed_files: int = 0  # the files electronic signatures came in


def signatures_erase(initiative_id: int) -> SignaturesErased:
    """Erase the personal data of every signature of a finished initiative, its notices and paper scans.

    Call inside the transaction that holds the initiative's row FOR UPDATE (initiative.filing.retention). The
    scans' files are deleted before the rows, inside that transaction: if the transaction then fails, the
    rows stay and the next run deletes again (deleting a missing file is a no-op), so no file is ever left
    in storage without a row that leads to it.
    """
    status = Initiative.objects.filter(pk=initiative_id).values_list("status", flat=True).first()
    if status not in FINISHED_STATES:
        # The retention run selects only finished initiatives; this guards against any other caller.
        raise TransitionRefused(_("Personal data are deleted only after the initiative has ended."))
    with transaction.atomic():
        # One UPDATE whatever the number of rows; statuses and verdicts are untouched, so is the tally.
        signatures = (
            Signature.objects.filter(initiative_id=initiative_id).filter(HOLDS_PERSONAL_DATA).update(**ERASED)
        )
        notices = emails_cancel(reference=supporters_reference(initiative_id))
        signed = signed_files_delete(Signature.objects.filter(initiative_id=initiative_id).values("pk"))
        scans = 0
        for scan in PaperSheetScan.objects.select_for_update().filter(initiative_id=initiative_id):
            if scan.file.name:
                default_storage.delete(scan.file.name)
            scan.delete()
            scans += 1
    return SignaturesErased(signatures=signatures, notices=notices, scans=scans, signed_files=signed)


def signatures_erase_withdrawn(before: datetime.datetime) -> int:
    """Erase the personal data of signatures their supporters withdrew before `before`, whatever the
    initiative's state (settings.PERSONAL_DATA_RETENTION_DAYS counts from the withdrawal as well).

    One transaction and one deletion log per initiative. Rows another run is erasing at this moment are
    skipped (SKIP LOCKED): that run logs them, so two overlapping runs erase and log each row once. A
    failure in one initiative is logged (its id and the exception's type, never data) and the others go
    on. Returns how many signatures were erased.
    """
    due = Signature.objects.filter(HOLDS_PERSONAL_DATA, status__in=WITHDRAWABLE, withdrawn_at__lte=before)
    total = 0
    for initiative_id in due.values_list("initiative_id", flat=True).distinct().order_by("initiative_id"):
        try:
            total += _erase_withdrawn_of(initiative_id, before)
        except Exception as error:  # one initiative's failure must not keep the others' data
            logger.error(
                "Erasing withdrawn signatures of initiative %s failed: %s",
                initiative_id,
                type(error).__name__,
            )
    return total


def _erase_withdrawn_of(initiative_id: int, before: datetime.datetime) -> int:
    with transaction.atomic():
        ids = list(
            Signature.objects.select_for_update(skip_locked=True)
            .filter(
                HOLDS_PERSONAL_DATA,
                initiative_id=initiative_id,
                status__in=WITHDRAWABLE,
                withdrawn_at__lte=before,
            )
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        erased = Signature.objects.filter(pk__in=ids).update(**ERASED)
        signed_files_delete(ids)
        DeletionLog.objects.create(
            initiative_id=initiative_id,
            kind=DeletionLog.Kind.PERSONAL_DATA,
            signatures=erased,
            note=WITHDRAWN_NOTE,
        )
    return erased
