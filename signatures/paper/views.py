"""The committee's pages for paper support lists: print sheets, type returned rows, upload scans.

Only members of the committee see them (404 for everybody else). Every POST calls one service and
redirects (post/redirect/get), so the pages work without JavaScript. Nothing a supporter wrote appears in a
URL, a log line or a message: the only value carried from one request to the next is the sheet number.
"""

import datetime
import io
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from initiative.committee import initiative_for_member
from initiative.errors import InvalidInput, NotVisible, TransitionRefused
from initiative.models import Initiative
from signatures.checks import asks_citizenship
from signatures.forms import UnechoedTextInput
from signatures.models import PaperSheetScan
from signatures.paper import services as paper
from signatures.scan_files import paper_scan_content

ROWS_PER_LIST_PAGE = 50
# What people write on paper: 15.03.1980, 15-03-1980, 15/03/1980, or the boxes' eight digits 15031980.
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4})$|^(\d{2})(\d{2})(\d{4})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CITIZENSHIP_CHOICES = [
    ("PL", gettext_lazy("Polish (PL)")),
    ("EU", gettext_lazy("of another European Union country (UE)")),
    ("UK", gettext_lazy("of the United Kingdom (UK)")),
]


def _number_field(label, help_text="", **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=1,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "paper-number"}
        ),
        **kwargs,
    )


def _text_field(label, help_text="") -> forms.CharField:
    # Not required here: signatures.checks says what is missing, in the same words as every other form.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def iso_date(raw: str) -> str:
    """The date as YYYY-MM-DD when written the Polish way; otherwise as typed, for the checks to refuse."""
    text = raw.strip()
    match = DAY_MONTH_YEAR.match(text)
    if not match:
        return text
    day, month, year = match.groups()[:3] if match.group(1) else match.groups()[3:]
    return f"{year}-{int(month):02d}-{int(day):02d}"


class PaperRowForm(forms.Form):
    """One row of a returned sheet, with the fields this council's rules name; shape only."""

    sheet_number = _number_field(
        gettext_lazy("Sheet number"),
        gettext_lazy("The number printed at the top right of the sheet."),
        max_value=paper.MAX_SHEET_NUMBER,
        error_messages={"required": gettext_lazy("Give the number printed on the sheet.")},
    )
    first_names = _text_field(gettext_lazy("First name(s)"))
    last_name = _text_field(gettext_lazy("Surname"))
    address = _text_field(gettext_lazy("Address of residence"))

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.identifier = paper.initiative_rules(initiative)["identifier"]
        if self.identifier == "pesel":
            self.fields["pesel"] = _text_field(gettext_lazy("PESEL number"), gettext_lazy("11 digits."))
            # A row sent back with errors never shows the number again (docs/privacy.md): typed again.
            self.fields["pesel"].widget = UnechoedTextInput(
                attrs={**self.fields["pesel"].widget.attrs, "inputmode": "numeric"}
            )
        else:
            self.fields["birth_date"] = _text_field(
                gettext_lazy("Date of birth"),
                gettext_lazy("As on the sheet: DD.MM.YYYY, or the eight digits alone (15031980)."),
            )
            self.fields["birth_date"].widget.attrs["inputmode"] = "numeric"
        self.asks_citizenship = asks_citizenship(initiative)
        if self.asks_citizenship:
            self.fields["citizenship"] = forms.ChoiceField(
                label=gettext_lazy("Citizenship"), choices=CITIZENSHIP_CHOICES, initial="PL"
            )
        self.fields["signed_on"] = _text_field(
            gettext_lazy("Date of signing"),
            gettext_lazy("As written in the row: DD.MM.YYYY. The age is checked on this day."),
        )
        self.fields["signed_on"].widget.attrs["inputmode"] = "numeric"
        self.fields["signed"] = forms.BooleanField(
            label=gettext_lazy("The row bears the person's handwritten signature"),
            help_text=gettext_lazy("Rows without a signature do not count: leave them out."),
            error_messages={"required": gettext_lazy("Type only rows that bear a handwritten signature.")},
        )
        self.fields["first_names"].widget.attrs["autofocus"] = True

    def clean_birth_date(self) -> str:
        """Shape only: a real calendar date, written the way the sheet asks (the age is the checks' job)."""
        value = iso_date(self.cleaned_data["birth_date"])
        try:
            if not ISO_DATE.match(value):
                raise ValueError(value)
            datetime.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                _("Give the date of birth as on the sheet: DD.MM.YYYY, for example 15.03.1980.")
            ) from None
        return value

    def clean_signed_on(self) -> datetime.date:
        day = self.signed_on()
        if day is None:
            raise forms.ValidationError(
                _("Give the date of signing as written in the row: DD.MM.YYYY, for example 3.12.2026.")
            )
        return day

    def signed_on(self) -> datetime.date | None:
        """The typed date of signing, if it is a calendar date (valid form or not)."""
        value = iso_date(self.data.get("signed_on", ""))
        if not ISO_DATE.match(value):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None

    def row(self) -> dict:
        """The supporter's data for signatures.checks, from whatever was typed (valid or not)."""
        values = {name: self.data.get(name, "") for name in ("first_names", "last_name", "address")}
        if self.identifier == "pesel":
            values["pesel"] = "".join(self.data.get("pesel", "").split())
        else:
            values["birth_date"] = iso_date(self.data.get("birth_date", ""))
        if self.asks_citizenship:
            values["citizenship"] = self.data.get("citizenship", "")
        # The sheet printed the declaration and the privacy notice above the signature.
        values["declaration"] = values["privacy_notice"] = True
        return values

    def add_check_errors(self, errors: dict[str, list[str]]) -> None:
        for name, field_messages in errors.items():
            target = "signed" if name in {"declaration", "privacy_notice"} else name
            if target not in self.fields:
                for message in field_messages:
                    self.add_error(None, message)
            elif not self.errors.get(target):  # one message per field: the form's own comes first
                self.add_error(target, field_messages[0])


class PrintForm(forms.Form):
    pages = _number_field(gettext_lazy("Number of sheets"), max_value=paper.MAX_PAGES, initial=5)
    first_sheet = _number_field(
        gettext_lazy("Number of the first sheet"),
        gettext_lazy(
            "Sheets are numbered from here on. Start after the last sheet printed before, so that every "
            "sheet has its own number and its scan can be matched."
        ),
        max_value=paper.MAX_SHEET_NUMBER,
        initial=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pages"].help_text = _(
            "Each sheet is one page of A4, landscape, with %(rows)d rows; at most %(max)d sheets at a time."
        ) % {"rows": paper.ROWS_PER_PAGE, "max": paper.MAX_PAGES}

    def clean(self):
        cleaned = super().clean()
        pages, first = cleaned.get("pages"), cleaned.get("first_sheet")
        if pages and first and first + pages - 1 > paper.MAX_SHEET_NUMBER:
            self.add_error(
                "first_sheet", _("Sheet numbers end at %(max)d.") % {"max": paper.MAX_SHEET_NUMBER}
            )
        return cleaned


class ScanForm(forms.Form):
    sheet_number = _number_field(
        gettext_lazy("Sheet number"),
        gettext_lazy("The number printed at the top right of the sheet."),
        max_value=paper.MAX_SHEET_NUMBER,
    )
    file = forms.FileField(
        label=gettext_lazy("Scan of the sheet"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF, JPEG or PNG file of up to %(size)d MiB.") % {
            "size": paper.SCAN_MAX_BYTES // (1024 * 1024)
        }


def _entry_page(request, initiative: Initiative, *, form, print_form, status: int = 200) -> HttpResponse:
    if form.errors or print_form.errors:
        for field in form.fields.values():  # the error summary takes the focus instead
            field.widget.attrs.pop("autofocus", None)
    rows = paper.paper_rows_typed_by(initiative, request.user)
    page = Paginator(rows, ROWS_PER_LIST_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "signatures/paper_entry.html",
        {
            "initiative": initiative,
            "collecting": initiative.collects_signatures,
            "form": form,
            "print_form": print_form,
            "page": page,
            "typed_count": page.paginator.count,
        },
        status=status,
    )


@never_cache  # the list of names typed must not stay in a shared browser's or proxy's cache
@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, initiative_id: int):
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    if request.method == "GET":
        sheet = request.GET.get("sheet", "")
        form = PaperRowForm(
            initiative=initiative, initial={"sheet_number": sheet if sheet.isdigit() else None}
        )
        if not sheet.isdigit():
            del form.fields["first_names"].widget.attrs["autofocus"]
            form.fields["sheet_number"].widget.attrs["autofocus"] = True
        return _entry_page(request, initiative, form=form, print_form=PrintForm())

    if not initiative.collects_signatures:
        messages.error(request, _("Rows can be typed only while the initiative collects signatures."))
        return redirect("paper-entry", initiative_id=initiative.pk)
    form = PaperRowForm(request.POST, initiative=initiative)
    if form.is_valid():
        sheet_number = form.cleaned_data["sheet_number"]
        try:
            paper.paper_row_enter(
                initiative_id=initiative.pk,
                actor=request.user,
                data=form.row(),
                sheet_number=sheet_number,
                signed_on=form.cleaned_data["signed_on"],
            )
        except InvalidInput as error:
            form.add_check_errors(error.errors)
        except TransitionRefused as error:
            form.add_error(None, error.detail)
        except NotVisible as error:
            raise Http404 from error
        else:
            # The same words whether the person had signed already or not: nobody learns it from here.
            messages.success(request, _("Row saved."))
            return redirect(f"{reverse('paper-entry', args=[initiative.pk])}?sheet={sheet_number}")
    else:
        # Show every problem of the row at once, not only the sheet number's or the signature's.
        form.add_check_errors(paper.paper_row_problems(initiative, form.row(), form.signed_on()))
    return _entry_page(request, initiative, form=form, print_form=PrintForm())


@login_required
@require_http_methods(["GET"])
def paper_sheets(request, initiative_id: int):
    """The printable sheets. GET on purpose: the request carries no personal data, only two numbers."""
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    if not initiative.collects_signatures:
        messages.error(request, _("Sheets can be printed only while the initiative collects signatures."))
        return redirect("paper-entry", initiative_id=initiative.pk)
    print_form = PrintForm(request.GET)
    if not print_form.is_valid():
        return _entry_page(
            request, initiative, form=PaperRowForm(initiative=initiative), print_form=print_form, status=400
        )
    pages, first = print_form.cleaned_data["pages"], print_form.cleaned_data["first_sheet"]
    pdf = paper.paper_sheets_pdf(initiative, pages=pages, first_sheet=first)
    response = FileResponse(
        io.BytesIO(pdf),
        content_type="application/pdf",
        filename=f"arkusze-poparcia-{initiative.pk}-{first}-{first + pages - 1}.pdf",
    )
    response["Cache-Control"] = "private"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def paper_scans_page(request, initiative_id: int):
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    collecting = initiative.collects_signatures
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not collecting:
            messages.error(request, _("Scans can be added only while the initiative collects signatures."))
            return redirect("paper-scans", initiative_id=initiative.pk)
        if form.is_valid():
            sheet_number = form.cleaned_data["sheet_number"]
            try:
                paper.paper_scan_upload(
                    initiative_id=initiative.pk,
                    actor=request.user,
                    sheet_number=sheet_number,
                    upload=form.cleaned_data["file"],
                )
            except InvalidInput as error:
                for name, field_messages in error.errors.items():
                    for message in field_messages:
                        form.add_error(name if name in form.fields else None, message)
            except TransitionRefused as error:
                form.add_error(None, error.detail)
            else:
                messages.success(
                    request, _("The scan of sheet %(number)d is saved.") % {"number": sheet_number}
                )
                return redirect("paper-scans", initiative_id=initiative.pk)
    return render(
        request,
        "signatures/paper_scans.html",
        {
            "initiative": initiative,
            "collecting": collecting,
            "form": form,
            "scans": paper.paper_scans(initiative),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def paper_scan_download(request, initiative_id: int, sheet_number: int):
    """The scan as uploaded, to the committee only (clerks will get theirs with the packet)."""
    try:
        initiative = initiative_for_member(initiative_id, request.user)
    except NotVisible as error:
        raise Http404 from error
    scan = PaperSheetScan.objects.filter(initiative=initiative, sheet_number=sheet_number).first()
    if scan is None:
        raise Http404
    response = HttpResponse(paper_scan_content(scan), content_type=scan.content_type)
    response["Content-Disposition"] = f'attachment; filename="{paper.scan_download_name(scan)}"'
    response["Cache-Control"] = "private, no-store"
    return response
