"""Reads of signatures for the layers above (pages, API, filing): counts and lists."""

import dataclasses
import datetime
import hashlib
from collections.abc import Iterator

from django.db import connection
from django.db.models import Count, F, IntegerField, Q, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber

from municipalities.local_rules import rules_in_force
from municipalities.models import SignatureMethod
from signatures.checks import asks_citizenship
from signatures.models import PaperSheetScan, Signature, SignatureStatus, SignedFile
from signatures.scan_files import paper_scan_content
from signatures.signed_files import signed_file_content
from signatures.tally import counts_by_method


@dataclasses.dataclass(frozen=True)
class SupportCount:
    """The public count is of confirmed signatures in the forms the council's rules accept
    (docs/law.md §Forms of support), beside the threshold it is measured against (`Initiative.threshold`).
    The one place that says whether the threshold is reached: filing, pages and the API all read it here."""

    by_method: dict[str, int]
    accepted_methods: tuple[str, ...]
    threshold: int | None

    @property
    def counted(self) -> int:
        return sum(count for method, count in self.by_method.items() if method in self.accepted_methods)

    @property
    def reached(self) -> bool:
        """Enough counted signatures to file (docs/law.md §Opening and filing); never while the threshold
        is unknown."""
        return self.threshold is not None and self.counted >= self.threshold

    @property
    def unofficial(self) -> int:
        """Declarations in forms the rules do not accept (e-mail where not allowed): shown, not counted."""
        return sum(count for method, count in self.by_method.items() if method not in self.accepted_methods)


def accepted_methods(initiative) -> tuple[str, ...]:
    """The forms of signature the council's rules accept: the frozen rules once open, else those in force.
    The one definition of "counted" for the count, the packet and the clerk's verification."""
    if initiative.rules:
        return tuple(initiative.rules["signature_methods"])
    return rules_in_force(initiative.municipality).signature_methods


def support_counts(initiatives) -> dict[int, SupportCount]:
    initiatives = list(initiatives)
    counts = counts_by_method([initiative.pk for initiative in initiatives])
    return {
        initiative.pk: SupportCount(
            by_method=counts[initiative.pk],
            accepted_methods=accepted_methods(initiative),
            threshold=initiative.threshold,
        )
        for initiative in initiatives
    }


def support_count(initiative) -> SupportCount:
    return support_counts([initiative])[initiative.pk]


# -- the filed support list (the packet: initiative.filing.packet) ---------------------------------------

# Rows fetched per round trip while streaming the list: 100,000 signatures never sit in memory at once.
FILED_CHUNK = 2000


@dataclasses.dataclass(frozen=True, slots=True)
class FiledSignature:
    """One counted signature as the packet lists it, decrypted. Holds personal data: never log it."""

    method: str
    first_names: str
    last_name: str
    address: str
    pesel: str
    birth_date: str  # ISO date, or "" where the rules ask for the PESEL
    citizenship: str
    signed_on: datetime.date
    evidence: dict | None  # paper: {"sheet_number"}; e-signatures: the validation summary (no personal data)


@dataclasses.dataclass(frozen=True)
class FiledScan:
    """The scan of one paper sheet, decrypted, with the checksum recorded when it was uploaded."""

    sheet_number: int
    content_type: str
    sha256: str
    content: bytes


def counted_signatures(initiative) -> QuerySet[Signature]:
    """The signatures that count, the list filed and verified: confirmed, in a form the rules accept."""
    return Signature.objects.filter(
        initiative_id=initiative.pk, status=SignatureStatus.CONFIRMED, method__in=accepted_methods(initiative)
    )


@dataclasses.dataclass(frozen=True)
class PaperSheet:
    number: int | None  # as typed with the row; None for rows typed through the API without one
    rows: int


def paper_sheets(initiative) -> list[PaperSheet]:
    """The paper sheets the counted rows were typed from, by number, with their rows: the originals the
    office must receive (the packet lists them; the clerk marks the missing ones)."""
    rows = (
        counted_signatures(initiative)
        .filter(method=SignatureMethod.PAPER)
        .annotate(sheet=Cast(KeyTextTransform("sheet_number", "evidence"), IntegerField()))
        .values("sheet")
        .annotate(rows=Count("pk"))
        .order_by(F("sheet").asc(nulls_last=True))
    )
    return [PaperSheet(number=row["sheet"], rows=row["rows"]) for row in rows]


def filed_signatures(initiative) -> Iterator[FiledSignature]:
    """The counted signatures in list order (by id), decrypted, streamed FILED_CHUNK rows at a time.

    Plain tuples from the database (no model objects) keep 100,000 rows cheap; the caller must be the
    packet or a clerk's view that records the access (docs/law.md §Personal data).
    """
    rows = (
        counted_signatures(initiative)
        .order_by("pk")
        .values_list(
            "method",
            "first_names",
            "last_name",
            "address",
            "pesel",
            "birth_date",
            "citizenship",
            "signed_on",
            "evidence",
        )
    )
    for row in rows.iterator(chunk_size=FILED_CHUNK):
        yield FiledSignature(*row)


def filed_signature_evidence(initiative) -> Iterator[tuple[int, str, dict | None]]:
    """(position in the list from 1, form, evidence) of every counted signature, in list order, without
    decrypting anything: for the packet's section on electronic signatures."""
    rows = counted_signatures(initiative).order_by("pk").values_list("method", "evidence")
    for position, (method, evidence) in enumerate(rows.iterator(chunk_size=FILED_CHUNK), start=1):
        yield position, method, evidence


def filed_paper_scans(initiative) -> Iterator[FiledScan]:
    """The scans of the initiative's paper sheets by sheet number, decrypted one at a time.

    A scan whose content no longer matches the checksum taken at upload raises ValueError: the packet
    must not attach a file other than the one the committee uploaded.
    """
    for scan in PaperSheetScan.objects.filter(initiative=initiative).order_by("sheet_number"):
        content = paper_scan_content(scan)
        if hashlib.sha256(content).hexdigest() != scan.sha256:
            raise ValueError(f"the scan of sheet {scan.sheet_number} does not match its checksum")
        yield FiledScan(scan.sheet_number, scan.content_type, scan.sha256, content)


@dataclasses.dataclass(frozen=True)
class FiledSignedFile:
    """The file one electronic signature came in, decrypted, with its list position and checksum."""

    position: int
    content_type: str
    sha256: str
    content: bytes


def filed_signed_files(initiative) -> Iterator[FiledSignedFile]:
    """The files of the counted electronic signatures in list order (positions as in
    `filed_signature_evidence`), decrypted one at a time; a file that no longer matches its checksum raises
    ValueError, as a scan does."""
    rows = counted_signatures(initiative).order_by("pk").values_list("signed_file__pk", flat=True)
    positions = {
        file_id: position
        for position, file_id in enumerate(rows.iterator(chunk_size=FILED_CHUNK), start=1)
        if file_id is not None
    }
    for row in (
        SignedFile.objects.filter(pk__in=list(positions)).order_by("signature_id").iterator(chunk_size=50)
    ):
        content = signed_file_content(row)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise ValueError(f"the signed file at position {positions[row.pk]} does not match its checksum")
        yield FiledSignedFile(positions[row.pk], row.content_type, row.sha256, content)


def withdrawn_since_filed(initiative, filed_at: datetime.datetime) -> list[int]:
    """Positions, in the support list filed at `filed_at`, of the supporters who have withdrawn since (in a
    supplement period, art. 41a ust. 5 u.s.g. and the council's rules: the list reopens, and so does
    withdrawal). Positions only, no one's data: the clerk and the next packet version name the rows by them.

    The list is frozen from filing until a supplement period reopens it, so what was listed at `filed_at`
    is what was counted then: confirmed by then and not withdrawn before.
    """
    listed = Signature.objects.filter(
        initiative_id=initiative.pk,
        method__in=accepted_methods(initiative),
        status__in=[SignatureStatus.CONFIRMED, SignatureStatus.WITHDRAWN],
        confirmed_at__lte=filed_at,
    ).filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=filed_at))
    # The positions are numbered over the whole list, then the withdrawn ones picked: a plain filter would
    # be applied before the numbering, so it goes around the numbered query.
    numbered = listed.annotate(position=Window(RowNumber(), order_by=F("pk").asc())).values(
        "position", "status"
    )
    sql, params = numbered.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT position FROM ({sql}) AS listed WHERE status = %s ORDER BY position",  # noqa: S608
            [*params, SignatureStatus.WITHDRAWN],
        )
        return [position for (position,) in cursor.fetchall()]


def electronic_kind(evidence: dict | None) -> str:
    """ "qualified", "personal" (podpis osobisty) or "trusted_profile" for an electronic signature, from its
    evidence (signatures.trust decided it at upload; rows from before it was recorded are told by their
    certificate's QcCompliance); "" for paper and e-mail."""
    if not evidence:
        return ""
    if evidence.get("signature_kind"):
        return evidence["signature_kind"]
    if "qualified_certificate" in evidence:
        return "qualified" if evidence["qualified_certificate"] else "personal"
    return ""


def support_list_asks_citizenship(initiative) -> bool:
    """Whether the support list has a citizenship column (only where more than one citizenship may sign)."""
    return asks_citizenship(initiative)
