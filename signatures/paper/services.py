"""Paper support lists (docs/law.md §Forms of support, "paper"): printable sheets, rows typed from returned
sheets, scans.

The committee prints sheets in the council's format, collects handwritten signatures, types each returned
row (it goes through the same checks as every other form, in signatures.services) and uploads the scan
of each sheet. Sheets carry a number so that a typed row (its `evidence`) and a scan can be matched.

The sheets are always in Polish, whatever the language of the page that printed them: they are a document
for the council.
"""

import datetime
import functools
import hashlib
import io

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.scan_check import scan_problem
from documents.typst_render import render_pdf
from initiative.committee import initiative_for_member
from initiative.contact import committee_contact
from initiative.errors import InvalidInput, TransitionRefused
from initiative.models import Initiative, Role
from initiative.services import initiative_draft
from legal_templates.organ_names import council_genitive
from legal_templates.rendering import polish_date
from municipalities.levels import Level
from municipalities.local_rules import rules_in_force
from municipalities.models import SignatureMethod
from municipalities.statutes import statute_of
from personal_data.encryption import encrypt_bytes
from personal_data.periods import personal_data_days
from signatures.checks import CITIZENSHIPS_BY_LEVEL, asks_citizenship, clean_supporter
from signatures.models import PaperSheetScan, ScanType, Signature, paper_scan_path
from signatures.scan_files import scan_encryption_context
from signatures.services import SignOutcome, _locked_collecting, signature_submit, today_in_warsaw

ROWS_PER_PAGE = 10
MAX_PAGES = 100  # sheets per request: 100 render in about 0.6 s and make a 2.5 MB file
MAX_SHEET_NUMBER = 99_999
SCAN_MAX_BYTES = 20 * 1024 * 1024
# An arbitrary advisory-lock key, unique to scan uploads; the initiative's id is the second half of the key.
SCAN_UPLOAD_LOCK = 0x7E2E

# The first bytes of each accepted kind of scan: the content decides, never the file's name or the
# browser's word for its type.
SIGNATURES_OF_TYPES = (
    (b"%PDF-", ScanType.PDF),
    (b"\xff\xd8\xff", ScanType.JPEG),
    (b"\x89PNG\r\n\x1a\n", ScanType.PNG),
)
EXTENSIONS = {ScanType.PDF: "pdf", ScanType.JPEG: "jpg", ScanType.PNG: "png"}
SCAN_KINDS = {ScanType.PDF: "pdf", ScanType.JPEG: "jpeg", ScanType.PNG: "png"}
# What documents.scan_check finds in a scan that declares more than a sheet can need (a decompression bomb
# for whoever opens it).
SCAN_REFUSALS = {
    "too_many_pixels": gettext_lazy(
        "This scan declares a picture far larger than a sheet needs (over 100 million pixels). Scan the "
        "sheet at 300 dpi and upload it again."
    ),
    "too_many_scans": gettext_lazy(
        "This JPEG is built of too many passes to be opened safely. Save the scan again as an ordinary JPEG "
        "or as PNG."
    ),
    "too_many_pages": gettext_lazy(
        "A scan of one sheet has at most 20 pages. Upload each sheet under its own number."
    ),
    "over_budget": gettext_lazy(
        "This PDF expands to far more data than a scan holds when it is read, so it was not kept. Scan the "
        "sheet again."
    ),
}


def initiative_rules(initiative: Initiative) -> dict:
    """The rules frozen when collection opened; before that, those in force (for a preview)."""
    return initiative.rules or rules_in_force(initiative.municipality).as_contract_object()


# -- printable sheets ------------------------------------------------------------------------------------


def _committee(initiative: Initiative) -> tuple[str, str]:
    """The committee's name (initiative.contact) and who represents it, as the sheet prints them."""
    name = committee_contact(initiative).name
    members = list(initiative.committee_members.filter(left_at__isnull=True, declared_at__isnull=False))
    by_role = {member.role: member.full_name for member in members}
    if Role.REPRESENTATIVE in by_role:
        representative = f"pełnomocnik komitetu: {by_role[Role.REPRESENTATIVE]}"
        if Role.DEPUTY in by_role:
            representative += f", zastępca pełnomocnika: {by_role[Role.DEPUTY]}"
    else:
        representative = "w składzie: " + ", ".join(member.full_name for member in members)
    return name, representative


def _columns(identifier: str, citizenship: bool) -> list[dict]:
    """The columns the council's rules require and the day of signing, nothing more (art. 5 ust. 1 lit. c
    RODO)."""
    columns = [
        {"key": "number", "title": "Lp.", "hint": "", "width_mm": 9},
        {"key": "first_names", "title": "Imię (imiona)", "hint": "", "width_mm": 36},
        {"key": "last_name", "title": "Nazwisko", "hint": "", "width_mm": 40},
        {
            "key": "address",
            "title": "Adres zamieszkania",
            "hint": "miejscowość, ulica, numer domu i mieszkania",
            "width_mm": None,
        },
    ]
    if identifier == "pesel":
        columns.append({"key": "identifier", "title": "Numer PESEL", "hint": "", "width_mm": 50})
    else:
        columns.append({"key": "identifier", "title": "Data urodzenia", "hint": "dd.mm.rrrr", "width_mm": 40})
    if citizenship:
        columns.append(
            {"key": "citizenship", "title": "Obywatelstwo", "hint": "PL, UE lub UK", "width_mm": 22}
        )
    # The day the row is signed: the age is checked on it, and the packet lists it (docs/law.md §Who may
    # sign).
    columns.append({"key": "signed_on", "title": "Data podpisu", "hint": "dd.mm.rrrr", "width_mm": 26})
    columns.append({"key": "signature", "title": "Własnoręczny podpis", "hint": "", "width_mm": 44})
    return columns


def _qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, border=0, nl=False)
    return buffer.getvalue().decode("ascii")


def paper_sheets_pdf(
    initiative: Initiative, *, rows_per_page: int = ROWS_PER_PAGE, pages: int = 1, first_sheet: int = 1
) -> bytes:
    """Sheets numbered `first_sheet` … `first_sheet + pages - 1`, one landscape A4 page each (PDF/A).

    Every page says what is supported and by whom (the draft's title, the committee and its
    representative, the council), carries the short privacy notice with a link to the full one, and a QR
    code to the draft online, so that a single sheet handed around on the street stands on its own.
    """
    draft = initiative_draft(initiative)
    rules = initiative_rules(initiative)
    unit = initiative.municipality
    level = Level(unit.level)
    council = unit.council_name
    council_of = council_genitive(council)
    title = draft.title
    committee, representative = _committee(initiative)
    draft_url = f"{settings.SITE_URL}/initiatives/{initiative.pk}/"
    notice_url = f"{settings.SITE_URL}/initiatives/{initiative.pk}/privacy/"
    statute = statute_of(level).citation
    local_rules = (
        f"uchwała nr {rules['resolution']} {council_of} z dnia {polish_date(rules.get('adopted_on'))}"
        if rules.get("resolution")
        else f"uchwała {council_of} w sprawie obywatelskiej inicjatywy uchwałodawczej"
    )
    citizenship = asks_citizenship(initiative)
    who_may_sign = (
        "mieszkańcy, którzy mają prawo wybierania do rady i ukończyli 18 lat: obywatele polscy, "
        "obywatele innych państw Unii Europejskiej i Zjednoczonego Królestwa"
        if citizenship
        else "mieszkańcy, którzy mają prawo wybierania do rady i ukończyli 18 lat (obywatele polscy)"
    )
    data = {
        "document_title": f"Wykaz osób popierających projekt uchwały {council_of} {title}",
        "heading": "WYKAZ OSÓB POPIERAJĄCYCH PROJEKT UCHWAŁY",
        "subheading": (
            f"zgłaszany w ramach obywatelskiej inicjatywy uchwałodawczej ({statute}; {local_rules}); "
            f"podpisywać mogą {who_may_sign}"
        ),
        "draft_label": f"Projekt uchwały {council_of}",
        "title": title,
        "committee_label": "Wnioskodawca:",
        "committee": committee,
        "representative": representative,
        "declaration": (
            f"Własnoręcznym podpisem popieram powyższy projekt uchwały {council_of} i oświadczam, że "
            f"mam prawo wybierania do {council_of}, stale zamieszkuję na obszarze jej działania oraz "
            "zapoznałam się / zapoznałem się z informacją o przetwarzaniu danych osobowych podaną niżej."
        ),
        "notice": _privacy_notice(
            committee=committee,
            representative=representative,
            council=council,
            statute=statute,
            local_rules=local_rules,
            notice_url=notice_url,
        ),
        "instructions": (
            "Proszę wypełniać czytelnie, drukowanymi literami. Każda osoba może poprzeć projekt tylko "
            "raz. Wypełniony arkusz należy oddać członkowi komitetu."
        ),
        "qr_caption": "Treść projektu z uzasadnieniem:",
        "qr_alt": f"Kod QR z adresem projektu: {draft_url}",
        "draft_url": draft_url,
        "qr_svg": _qr_svg(draft_url),
        "identifier": rules["identifier"],
        "columns": _columns(rules["identifier"], citizenship),
        "rows_per_page": rows_per_page,
        "sheets": list(range(first_sheet, first_sheet + pages)),
    }
    return render_pdf("paper_sheet.typ", data)


def _privacy_notice(
    *, committee: str, representative: str, council: str, statute: str, local_rules: str, notice_url: str
) -> str:
    """The short form of the art. 13 RODO notice; the full one is on the page the link names."""
    return (
        "Informacja o przetwarzaniu danych osobowych (art. 13 RODO). "
        f"Administrator danych: {committee} ({representative}). "
        "Cel i podstawa prawna: zgłoszenie projektu uchwały w ramach obywatelskiej inicjatywy "
        f"uchwałodawczej i sprawdzenie poparcia — art. 6 ust. 1 lit. c RODO w związku z {statute} oraz "
        f"{local_rules}. Zakres danych: wyłącznie dane z kolumn tego wykazu. "
        f"Odbiorcy: {council} i urząd, który sprawdza poparcie; dostawca serwisu internetowego, w którym "
        "komitet prowadzi wykaz (dane przechowuje zaszyfrowane). "
        "Okres przechowywania: do zakończenia sprawy inicjatywy (rozpatrzenia projektu przez radę, jego "
        "odrzucenia lub wycofania albo upływu terminu zbierania podpisów), a następnie przez "
        f"{personal_data_days()} dni; potem dane są usuwane. "
        "Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, ograniczenia przetwarzania oraz "
        "wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych. Podanie danych jest dobrowolne, ale "
        f"bez nich poparcie nie może zostać uwzględnione. Pełna informacja: {notice_url}"
    )


# -- rows typed from returned sheets ---------------------------------------------------------------------


def paper_row_enter(
    *,
    initiative_id: int,
    actor,
    data: dict,
    sheet_number: int | None,
    signed_on: datetime.date | None = None,
) -> SignOutcome:
    """A committee member types one row of a returned sheet; the same checks as every form of support.

    Where the level allows one citizenship only, the sheet does not ask for it and the row carries it.
    The sheet number goes into the signature's evidence (no personal data) so the row meets its scan and
    its original. `signed_on` is the date written in the row: the age check and the packet use it, not the
    day of typing (the page and the API require it; code that types rows on the day, such as the demo,
    may leave it out).
    """
    initiative = initiative_for_member(initiative_id, actor)
    problem = signed_on_problem(initiative, signed_on)
    if problem:
        raise InvalidInput({"signed_on": [problem]})
    return signature_submit(
        initiative_id=initiative_id,
        data=_with_citizenship(initiative, data),
        method=SignatureMethod.PAPER,
        entered_by=actor,
        evidence={"sheet_number": sheet_number} if sheet_number else None,
        signed_on=signed_on,
    )


def signed_on_problem(initiative: Initiative, signed_on: datetime.date | None) -> str:
    """What is wrong with a row's date of signing ("" when nothing): not after today, not before the
    collection opened (a sheet is signed under the text frozen at opening)."""
    if signed_on is None:
        return ""
    if signed_on > today_in_warsaw():
        return _("The date of signing cannot be in the future.")
    opened_on = timezone.localtime(initiative.opened_at).date() if initiative.opened_at else None
    if opened_on and signed_on < opened_on:
        return _("The collection opened on %(opened)s; a row cannot be signed before.") % {
            "opened": formats.date_format(opened_on, "DATE_FORMAT")
        }
    return ""


def _with_citizenship(initiative: Initiative, data: dict) -> dict:
    if asks_citizenship(initiative):
        return data
    return {**data, "citizenship": CITIZENSHIPS_BY_LEVEL[Level(initiative.municipality.level)][0]}


def paper_row_problems(
    initiative: Initiative, data: dict, signed_on: datetime.date | None = None
) -> dict[str, list[str]]:
    """What the checks refuse in a row, saving nothing: to show every problem of a row at once."""
    _supporter, errors = clean_supporter(
        _with_citizenship(initiative, data),
        level=initiative.municipality.level,
        identifier=initiative_rules(initiative)["identifier"],
        signed_on=signed_on or today_in_warsaw(),
        needs_email=False,
    )
    problem = signed_on_problem(initiative, signed_on)
    if problem:
        errors["signed_on"] = [problem]
    return errors


def paper_rows_typed_by(initiative: Initiative, user) -> QuerySet[Signature]:
    """The paper rows this member typed, newest first: only the typist sees their names."""
    return Signature.objects.filter(
        initiative=initiative, method=SignatureMethod.PAPER, entered_by=user
    ).order_by("-created_at", "-pk")


# -- scans of returned sheets ----------------------------------------------------------------------------


def scan_type_of(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES_OF_TYPES:
        if head.startswith(magic):
            return content_type
    return None


def paper_scan_upload(*, initiative_id: int, actor, sheet_number: int, upload) -> PaperSheetScan:
    """Store the scan of one sheet, replacing an earlier scan of the same sheet while collecting.

    The file is written before the transaction (a slow write to S3 must not hold the initiative's row);
    if the transaction then fails, or the initiative's scans would pass their limits, the new file is
    removed, and a replaced file is removed only once the new row has committed.
    """
    initiative = initiative_for_member(initiative_id, actor)
    if not initiative.collects_signatures:
        raise TransitionRefused(_("Scans can be added only while the initiative collects signatures."))
    if not 1 <= sheet_number <= MAX_SHEET_NUMBER:
        raise InvalidInput({"sheet_number": [_("Give the number printed on the sheet.")]})
    if upload.size > SCAN_MAX_BYTES:
        raise InvalidInput(
            {"file": [_("The file is larger than %(size)d MiB.") % {"size": SCAN_MAX_BYTES // (1024 * 1024)}]}
        )
    content = upload.read(SCAN_MAX_BYTES + 1)
    content_type = scan_type_of(content[:16])
    if not content or len(content) > SCAN_MAX_BYTES or content_type is None:
        raise InvalidInput({"file": [_("Upload a scan as a PDF, JPEG or PNG file.")]})
    problem = scan_problem(content, SCAN_KINDS[content_type])
    if problem is not None:
        raise InvalidInput({"file": [str(SCAN_REFUSALS[problem])]})
    # Checked once before writing, so that a committee at its limit does not make the storage write a file
    # only to delete it; the check that holds is the one under the lock below.
    _check_scan_limits(initiative_id, sheet_number, len(content))
    scan = PaperSheetScan(initiative=initiative, sheet_number=sheet_number)
    sealed = encrypt_bytes(content, context=scan_encryption_context(initiative_id, sheet_number))
    name = default_storage.save(paper_scan_path(scan, ""), ContentFile(sealed))
    values = {
        "file": name,
        "content_type": content_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "uploaded_by": actor,
        "uploaded_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            # FOR SHARE on the initiative: filing (FOR UPDATE) waits for this scan, and sees it.
            _locked_collecting(initiative_id)
            _take_turn_to_upload(initiative_id)
            _check_scan_limits(initiative_id, sheet_number, len(content))
            scan = _replace_or_create(initiative, sheet_number, values)
    except BaseException:
        default_storage.delete(name)
        raise
    return scan


def _take_turn_to_upload(initiative_id: int) -> None:
    """Two uploads at once would each count the scans without the other's and together pass the limits:
    uploads to one initiative take turns until their transaction ends. Signers, who hold the initiative's
    row FOR SHARE as uploads do, never wait for this lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SCAN_UPLOAD_LOCK, initiative_id % 2**31])


def _check_scan_limits(initiative_id: int, sheet_number: int, size: int) -> None:
    """Refuse a scan that would take the initiative past PAPER_SCANS_MAX_COUNT or PAPER_SCANS_MAX_BYTES.

    A scan that replaces one of the same sheet frees that scan's place and bytes.
    """
    others = PaperSheetScan.objects.filter(initiative_id=initiative_id).exclude(sheet_number=sheet_number)
    figures = others.aggregate(count=Count("pk"), size=Sum("size"))
    if figures["count"] + 1 > settings.PAPER_SCANS_MAX_COUNT:
        raise InvalidInput(
            {
                "file": [
                    _(
                        "This initiative already has %(count)d scans, the most the platform keeps for one "
                        "initiative. Upload a sheet again under its number to replace its scan."
                    )
                    % {"count": figures["count"]}
                ]
            }
        )
    if (figures["size"] or 0) + size > settings.PAPER_SCANS_MAX_BYTES:
        raise InvalidInput(
            {
                "file": [
                    _(
                        "The scans of this initiative would take more than %(size)d MiB, the most the "
                        "platform keeps for one initiative. Scan the sheets at a lower resolution (150 dpi "
                        "in shades of grey is enough to read them) and upload them again."
                    )
                    % {"size": settings.PAPER_SCANS_MAX_BYTES // (1024 * 1024)}
                ]
            }
        )


def _replace_or_create(initiative: Initiative, sheet_number: int, values: dict) -> PaperSheetScan:
    for _attempt in range(2):
        existing = (
            PaperSheetScan.objects.select_for_update()
            .filter(initiative=initiative, sheet_number=sheet_number)
            .first()
        )
        if existing is not None:
            old_name = existing.file.name
            for field, value in values.items():
                setattr(existing, field, value)
            existing.save()
            transaction.on_commit(functools.partial(default_storage.delete, old_name))
            return existing
        try:
            # Two members uploading the same sheet at once: the unique index lets one insert, and the
            # other replaces that row on its second pass.
            with transaction.atomic():
                return PaperSheetScan.objects.create(
                    initiative=initiative, sheet_number=sheet_number, **values
                )
        except IntegrityError:
            continue
    raise TransitionRefused(_("Somebody else is uploading this sheet right now; try again."))


def paper_scans(initiative: Initiative) -> QuerySet[PaperSheetScan]:
    return PaperSheetScan.objects.filter(initiative=initiative).select_related("uploaded_by")


def scan_download_name(scan: PaperSheetScan) -> str:
    """A name that says which sheet it is and nothing about anybody on it."""
    return f"arkusz-{scan.initiative_id}-{scan.sheet_number}.{EXTENSIONS[ScanType(scan.content_type)]}"
