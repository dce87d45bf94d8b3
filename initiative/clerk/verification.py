"""The council office's verification of the support list (docs/law.md §The council office): counts and
verdicts.

After filing, a clerk checks every counted signature against the register of voters and marks it valid
or invalid with a reason; the draft may be accepted only while the valid signatures reach the threshold
frozen at opening (art. 41a ust. 2 u.s.g.; the check itself is `initiative.clerk.decisions`, which reads
`verification_counts`). Only counted signatures are verified: confirmed ones in the forms the council's
rules accept (as in signatures.selectors); withdrawn, unconfirmed or unofficial ones are not on the list.

Locking: a verdict holds the initiative's row FOR SHARE while it writes, as signers do while collecting
(signatures.services). `accept`, which locks the row FOR UPDATE, therefore waits for verdicts in flight and
counts what they wrote, while clerks marking different rows never wait on one another. Two clerks marking
the same row queue on that row's lock and the later one wins; `verdict_by` and `verdict_at` say who and when.

People read the list only through SupportListPaginator (a page) and signatures_for_export (the CSV), which
record every read in the access log themselves (docs/law.md §Personal data): no page or API can forget it.
The CSV export and import are in initiative.clerk.verification_csv.
"""

import dataclasses
from collections.abc import Iterator

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from initiative.clerk.originals import paper_rows_waiting_for_originals, rows_of_missing_sheets
from initiative.errors import InvalidInput, TransitionRefused
from initiative.lifecycle import Status
from initiative.models import Initiative
from initiative.selectors import initiative_for_clerk
from personal_data.access_log import record_access
from signatures.models import InvalidReason, Signature, SignatureStatus, Verdict
from signatures.selectors import accepted_methods, counted_signatures

MAX_VERDICTS = 200_000  # per request or file: twice the largest support list the platform is sized for
REASON_CODES = frozenset(InvalidReason.values)
MAX_REPORTED_PROBLEMS = 100  # a file with the wrong columns would otherwise give one message per line
EXPORT_CHUNK = 2000  # rows fetched (and decrypted) at a time while the CSV export streams


@dataclasses.dataclass(frozen=True)
class VerificationCounts:
    """The clerk's tally over the counted signatures, beside the threshold frozen at opening."""

    valid: int
    invalid: int
    unchecked: int
    threshold: int

    @property
    def total(self) -> int:
        return self.valid + self.invalid + self.unchecked

    @property
    def threshold_met(self) -> bool:
        return self.valid >= self.threshold

    @property
    def missing(self) -> int:
        """Valid signatures still needed to reach the threshold (0 once it is met)."""
        return max(0, self.threshold - self.valid)


@dataclasses.dataclass(frozen=True)
class VerdictsApplied(VerificationCounts):
    """The counts after a batch of verdicts, with how many rows the batch set."""

    updated: int


def verification_counts(initiative: Initiative) -> VerificationCounts:
    """Valid, invalid and unchecked among the counted signatures: one GROUP BY on (initiative, verdict)."""
    return verification_counts_of([initiative])[initiative.pk]


def verification_counts_of(initiatives) -> dict[int, VerificationCounts]:
    """`verification_counts` for a page of initiatives (the clerk's inbox) in one query, not one each.

    Grouped by form too, since each initiative counts the forms of its own frozen rules."""
    initiatives = list(initiatives)
    rows = (
        Signature.objects.filter(
            initiative_id__in=[initiative.pk for initiative in initiatives], status=SignatureStatus.CONFIRMED
        )
        .order_by()
        .values_list("initiative_id", "method", "verdict")
        .annotate(rows=Count("id"))
    )
    tallies: dict[int, dict[str, int]] = {initiative.pk: {} for initiative in initiatives}
    accepted = {initiative.pk: accepted_methods(initiative) for initiative in initiatives}
    for initiative_id, method, verdict, count in rows:
        if method in accepted[initiative_id]:
            tally = tallies[initiative_id]
            tally[verdict] = tally.get(verdict, 0) + count
    return {
        initiative.pk: VerificationCounts(
            valid=tallies[initiative.pk].get(Verdict.VALID, 0),
            invalid=tallies[initiative.pk].get(Verdict.INVALID, 0),
            unchecked=tallies[initiative.pk].get(Verdict.UNCHECKED, 0),
            threshold=initiative.signature_threshold or 0,
        )
        for initiative in initiatives
    }


def _rows_for_verification(
    initiative: Initiative, *, verdict: str = "", method: str = ""
) -> QuerySet[Signature]:
    """The counted signatures in id order, optionally of one verdict and one form, not read yet.

    Only the columns a clerk sees are read (not the e-mail address), and they are decrypted row by row as
    they are read. Private: people read them through SupportListPaginator or signatures_for_export, which
    record the read in the access log.
    """
    rows = counted_signatures(initiative)
    if verdict:
        rows = rows.filter(verdict=verdict)
    if method:
        rows = rows.filter(method=method)
    identifier = identifier_of(initiative)
    return rows.order_by("id").only(
        "id",
        "method",
        "first_names",
        "last_name",
        "address",
        identifier,
        "citizenship",
        "signed_on",
        "evidence",
        "verdict",
        "verdict_reason",
    )


class SupportListPaginator(Paginator):
    """The support list of one initiative as `reader` pages through it, optionally of one verdict and form.

    Reading a page decrypts its rows (only that page's: 50 rows whatever the list's length) and records the
    read in the access log, once per page, with the page and the filters as its detail, never the data
    (docs/law.md §Personal data). Programs choose their page size, so `size_in_log` puts it in the detail.
    """

    def __init__(
        self,
        initiative: Initiative,
        per_page: int,
        *,
        reader,
        verdict: str = "",
        method: str = "",
        size_in_log: bool = False,
    ):
        super().__init__(_rows_for_verification(initiative, verdict=verdict, method=method), per_page)
        self.initiative, self.reader = initiative, reader
        self.filters = f"verdict={verdict or 'all'} method={method or 'all'}"
        self.size_in_log = size_in_log

    def page(self, number) -> Page:
        page = super().page(number)
        page.object_list = list(page.object_list)  # read and decrypted here, once
        size = f" size={self.per_page}" if self.size_in_log else ""
        record_access(
            user=self.reader,
            initiative_id=self.initiative.pk,
            what="signature_list",
            records=len(page.object_list),
            detail=f"page={page.number}{size} {self.filters}",
        )
        return page


def signatures_for_export(initiative: Initiative, *, reader) -> Iterator[Signature]:
    """Every row of the support list in id order, decrypted EXPORT_CHUNK rows at a time as they stream.

    The export is recorded in the access log here, with its number of rows, before the first row is read:
    a download cut short is still a view of the data. The caller checks that `reader` may see the
    initiative (initiative.selectors.initiative_for_clerk).
    """
    rows = _rows_for_verification(initiative)
    record_access(user=reader, initiative_id=initiative.pk, what="csv_export", records=rows.count())
    return rows.iterator(chunk_size=EXPORT_CHUNK)


def identifier_of(initiative: Initiative) -> str:
    """`pesel` or `birth_date`: the identifier the council's rules put on the support list."""
    return "pesel" if (initiative.rules or {}).get("identifier") == "pesel" else "birth_date"


def sheet_number(signature: Signature) -> int | None:
    """The paper sheet a row was typed from (its scan has the same number); None for other forms."""
    evidence = signature.evidence if isinstance(signature.evidence, dict) else {}
    number = evidence.get("sheet_number")
    return number if isinstance(number, int) else None


# Verdicts ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class VerdictEntry:
    """One verdict to write, checked for shape; `where` names it in messages ("item 3, signature 12",
    "line 7"). An empty `verdict` (a CSV line left blank) changes nothing but is still checked."""

    signature_id: int
    verdict: str
    reason: str
    where: str


def problem_at(where: str, problem: str) -> str:
    return _("%(where)s: %(problem)s") % {"where": where, "problem": problem}


def reason_problem(valid: bool, reason: str) -> str | None:
    """A reason is required, and one of InvalidReason, for an invalid signature; none for a valid one
    (the database's signature_reason_only_when_invalid says the same)."""
    if valid and reason:
        return _("a valid signature takes no reason; leave the reason empty.")
    if valid or reason in REASON_CODES:
        return None
    codes = ", ".join(InvalidReason.values)
    if not reason:
        return _("give the reason why the signature is invalid (one of %(codes)s).") % {"codes": codes}
    return _("unknown reason “%(reason)s”; use one of %(codes)s.") % {"reason": reason[:40], "codes": codes}


def refuse_unless_under_verification(status: str) -> None:
    if status != Status.UNDER_VERIFICATION:
        raise TransitionRefused(
            _(
                "Verdicts can be given only while the signatures are under verification; the initiative is "
                "%(status)s."
            )
            % {"status": Status(status).label}
        )


def _entries_from_items(verdicts) -> tuple[list[VerdictEntry], list[str]]:
    """The API's and the page's input, `[{"signature": id, "valid": bool, "reason": code}, …]`, checked item
    by item; returns the entries and a message for each wrong item."""
    if not isinstance(verdicts, list) or not verdicts:
        return [], [_("Give a list of verdicts, each with “signature”, “valid” and “reason”.")]
    if len(verdicts) > MAX_VERDICTS:
        return [], [_("At most %(max)d verdicts can be given at once.") % {"max": MAX_VERDICTS}]
    entries, problems = [], []
    item_label, signature_label = _("item %(number)d"), _("item %(number)d, signature %(signature)d")
    for number, item in enumerate(verdicts, start=1):
        where = item_label % {"number": number}
        if not isinstance(item, dict):
            problems.append(problem_at(where, _("give an object with “signature”, “valid” and “reason”.")))
            continue
        signature_id, valid, reason = item.get("signature"), item.get("valid"), item.get("reason")
        if type(signature_id) is not int:  # not bool, which Python counts as an int
            problems.append(problem_at(where, _("“signature” must be the number of a signature.")))
            continue
        where = signature_label % {"number": number, "signature": signature_id}
        reason = "" if reason is None else reason
        if type(valid) is not bool:
            problems.append(problem_at(where, _("“valid” must be true or false.")))
        elif not isinstance(reason, str):
            problems.append(problem_at(where, _("“reason” must be a text.")))
        elif problem := reason_problem(valid, reason.strip()):
            problems.append(problem_at(where, problem))
        else:
            verdict = Verdict.VALID if valid else Verdict.INVALID
            entries.append(VerdictEntry(signature_id, verdict, reason.strip(), where))
    return entries, problems


def _duplicates(entries: list[VerdictEntry]) -> list[str]:
    first: dict[int, str] = {}
    problems = []
    for entry in entries:
        if entry.signature_id in first:
            problems.append(
                problem_at(
                    entry.where,
                    _("signature %(signature)d is already given in %(first)s.")
                    % {"signature": entry.signature_id, "first": first[entry.signature_id]},
                )
            )
        else:
            first[entry.signature_id] = entry.where
    return problems


def _lock_for_verdicts(initiative_id: int, clerk) -> Initiative:
    """The clerk's initiative with its row held FOR SHARE until the transaction ends, refused unless under
    verification. Call inside transaction.atomic.

    The state is read under the lock: a verdict that waited for `accept` or `reject` to commit sees the new
    state and is refused, and an `accept` that waited for verdicts counts them.
    """
    initiative = initiative_for_clerk(initiative_id, clerk)  # 404 for anyone who is not its clerk
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status FROM {Initiative._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
            [initiative.pk],
        )
        (initiative.status,) = cursor.fetchone()
    refuse_unless_under_verification(initiative.status)
    return initiative


def _lock_rows(initiative: Initiative, entries: list[VerdictEntry]) -> list[str]:
    """Lock the named rows in id order (two bulk verdicts over the same rows then queue instead of
    deadlocking) and return a message for every entry that is not on this initiative's support list."""
    ids = sorted({entry.signature_id for entry in entries})
    found = set(
        counted_signatures(initiative)
        .filter(pk__in=ids)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    return [
        problem_at(
            entry.where,
            _("signature %(signature)d is not on this initiative's support list.")
            % {"signature": entry.signature_id},
        )
        for entry in entries
        if entry.signature_id not in found
    ]


def _originals_problems(initiative: Initiative, entries: list[VerdictEntry]) -> list[str]:
    """A paper row is judged on its original (initiative.clerk.originals): not before the originals are
    recorded, and never valid when its sheet did not arrive."""
    judged = [entry for entry in entries if entry.verdict]
    ids = [entry.signature_id for entry in judged]
    waiting = paper_rows_waiting_for_originals(initiative, ids)
    missing = rows_of_missing_sheets(initiative, ids)
    problems = []
    for entry in judged:
        if entry.signature_id in waiting:
            problems.append(
                problem_at(
                    entry.where, _("a paper row is judged on its original: record the originals first.")
                )
            )
        elif entry.signature_id in missing and entry.verdict == Verdict.VALID:
            problems.append(problem_at(entry.where, _("the original of this row's sheet was not delivered.")))
    return problems


def _write(initiative: Initiative, entries: list[VerdictEntry], clerk) -> int:
    """One UPDATE for the whole batch, joined to the verdicts passed as arrays: 10,000 rows in one
    statement, not a save() per row."""
    entries = [entry for entry in entries if entry.verdict]
    if not entries:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Signature._meta.db_table} AS s "  # noqa: S608
            "SET verdict = v.verdict, verdict_reason = v.reason, verdict_by_id = %s, verdict_at = %s "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, verdict, reason) "
            "WHERE s.id = v.id AND s.initiative_id = %s",
            [
                clerk.pk,
                timezone.now(),
                [entry.signature_id for entry in entries],
                [entry.verdict for entry in entries],
                [entry.reason for entry in entries],
                initiative.pk,
            ],
        )
        return cursor.rowcount


def capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_REPORTED_PROBLEMS:
        return problems
    more = len(problems) - MAX_REPORTED_PROBLEMS
    return [*problems[:MAX_REPORTED_PROBLEMS], _("… and more problems not shown: %(more)d.") % {"more": more}]


def verdicts_apply(
    *, initiative_id: int, clerk, entries: list[VerdictEntry], problems: list[str], field: str
) -> VerdictsApplied:
    """Write checked entries all or nothing, in one transaction: access (404), state (409), then the
    entries' own `problems`, duplicates and rows not on the support list (InvalidInput under `field`).
    The counts returned are read in the same transaction, so they include this batch."""
    with transaction.atomic():
        initiative = _lock_for_verdicts(initiative_id, clerk)
        problems = problems + _duplicates(entries) + _lock_rows(initiative, entries)
        problems += _originals_problems(initiative, entries)
        if problems:
            raise InvalidInput({field: capped(problems)})
        updated = _write(initiative, entries, clerk)
        counts = verification_counts(initiative)
    return VerdictsApplied(**dataclasses.asdict(counts), updated=updated)


def verdicts_set(*, initiative_id: int, clerk, verdicts: list[dict]) -> VerdictsApplied:
    """Mark signatures valid or invalid: `[{"signature": id, "valid": bool, "reason": code}, …]`.

    All or nothing: every item is checked (shape, reason, duplicates, on this initiative's support list)
    and one wrong item refuses the whole batch with a message naming each wrong item. Only while the
    initiative is under verification (409 otherwise); only for its council's clerks (404 otherwise).
    """
    entries, problems = _entries_from_items(verdicts)
    return verdicts_apply(
        initiative_id=initiative_id, clerk=clerk, entries=entries, problems=problems, field="verdicts"
    )


def verdicts_mark(
    *, initiative_id: int, clerk, signature_ids: list[int], valid: bool, reason: str = ""
) -> VerdictsApplied:
    """The page's bulk action: one verdict for every selected row."""
    if not signature_ids:
        raise InvalidInput({"verdicts": [_("Select at least one row.")]})
    return verdicts_set(
        initiative_id=initiative_id,
        clerk=clerk,
        verdicts=[{"signature": pk, "valid": valid, "reason": reason} for pk in signature_ids],
    )
