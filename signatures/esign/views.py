"""The e-signature page: fill in the statement, download it, sign it elsewhere, upload the signed file.

Server-rendered, no JavaScript. Both POSTs count against the same rate limits as the API. The statement is
returned as a download straight from the POST (personal data never in a URL, nothing stored until the
signed file comes back). A refused upload shows why on the page; an accepted one redirects to a result page.
The fields are the sign page's form (signatures.forms), with the PESEL always asked and no e-mail.
"""

import math

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.rate_limits import wait_seconds
from initiative.errors import InvalidInput, TransitionRefused
from initiative.selectors import initiative_visible
from signatures.esign.services import esigned_submit, esigning_initiative, statement_pdf
from signatures.esign.uploads import signed_file, statement_response
from signatures.forms import BIRTH_DATE_PARTS, SupporterForm, UnechoedTextInput
from signatures.throttles import SigningPerAddressThrottle, SigningPerInitiativeThrottle

TEMPLATE = "signatures/esign_page.html"
LIMITS = (SigningPerAddressThrottle, SigningPerInitiativeThrottle)
DONE_KEY = "esign_recorded"


class StatementForm(SupporterForm):
    """The sign page's fields, with the PESEL always asked (the certificate carries it) and no e-mail.

    The date of birth is not asked: it is read from the PESEL, and kept where the council's rules ask for it.
    """

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, initiative=initiative, **kwargs)
        self.fields.pop("email", None)
        for part in BIRTH_DATE_PARTS:
            self.fields.pop(part, None)
        pesel = forms.CharField(
            label=_("PESEL number"),
            help_text=_(
                "11 digits. The certificate of your electronic signature carries your PESEL number, and it "
                "must be the one in the statement."
            ),
            required=False,
            # Never written back into a page sent again with errors (docs/privacy.md): typed again instead.
            widget=UnechoedTextInput(
                attrs={
                    "autocomplete": "off",
                    "maxlength": 11,
                    "inputmode": "numeric",
                    "spellcheck": "false",
                    "class": "pesel-input",
                }
            ),
        )
        if self.identifier != "pesel":
            pesel.help_text = _(
                "11 digits. The certificate of your electronic signature carries your PESEL number, and it "
                "must be the one in the statement. The council's rules ask for the date of birth: we keep "
                "only the date, read from the number."
            )
        fields = list(self.fields.items())
        at = next(i for i, (name, _field) in enumerate(fields) if name == "address") + 1
        fields = [(name, field) for name, field in fields if name != "pesel"]
        fields.insert(at, ("pesel", pesel))
        self.fields = dict(fields)

    def clean(self):
        return forms.Form.clean(self)  # no date of birth to put together

    def supporter_data(self) -> dict:
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in ("first_names", "last_name", "address")}
        data["pesel"] = "".join(cleaned["pesel"].split())
        data["citizenship"] = (cleaned.get("citizenship") or "") if "citizenship" in self.fields else "PL"
        data["declaration"] = bool(cleaned["declaration"])
        data["privacy_notice"] = bool(cleaned["privacy_notice"])
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        super().add_service_errors({("pesel" if k == "birth_date" else k): v for k, v in errors.items()})


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("The signed statement (PDF file)"),
        help_text=_("The file your signing application saved, unchanged. At most 5 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


def _page(request, initiative, *, status: int = 200, form=None, upload_form=None, state="open", **context):
    context = {"initiative": initiative, "state": state, **context}
    if state == "open":
        # Only an open page shows the forms: the statement's fields follow the rules frozen at opening, and a
        # draft or a withdrawn draft has none.
        context["form"] = form if form is not None else StatementForm(initiative=initiative)
        context["upload_form"] = upload_form if upload_form is not None else UploadForm()
    return render(request, TEMPLATE, context, status=status)


def _visible(request, initiative_id: int):
    initiative = initiative_visible(initiative_id, request.user)
    if initiative is None:
        raise Http404
    return initiative


def _closed(request, initiative, refused: TransitionRefused):
    return _page(request, initiative, status=409, state="closed", reason=refused.detail)


def _throttled(request, initiative, retry_after: int):
    response = _page(
        request, initiative, status=429, state="throttled", wait_minutes=math.ceil(retry_after / 60)
    )
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def esign(request, initiative_id: int):
    """GET: the page. POST: the statement's fields; the answer is the PDF to sign, or the page with errors."""
    initiative = _visible(request, initiative_id)
    try:
        esigning_initiative(initiative.pk)
    except TransitionRefused as refused:
        return _closed(request, initiative, refused)
    if request.method != "POST":
        return _page(request, initiative)
    retry_after = wait_seconds(request, LIMITS, initiative_id=initiative.pk)
    if retry_after is not None:
        return _throttled(request, initiative, retry_after)
    form = StatementForm(request.POST, initiative=initiative)
    if form.is_valid():
        try:
            pdf = statement_pdf(initiative, form.supporter_data())
        except InvalidInput as error:
            form.add_service_errors(error.errors)
        except TransitionRefused as refused:
            return _closed(request, initiative, refused)
        else:
            return statement_response(pdf, initiative.pk)
    return _page(request, initiative, status=400, form=form)


@require_POST
def esign_upload(request, initiative_id: int):
    """The signed statement: the page again, saying that the support is recorded or what is wrong."""
    initiative = _visible(request, initiative_id)
    try:
        esigning_initiative(initiative.pk)
    except TransitionRefused as refused:
        return _closed(request, initiative, refused)
    retry_after = wait_seconds(request, LIMITS, initiative_id=initiative.pk)
    if retry_after is not None:
        return _throttled(request, initiative, retry_after)
    upload_form = UploadForm(request.POST, request.FILES)
    try:
        esigned_submit(initiative_id=initiative.pk, file=signed_file(request.FILES))
    except InvalidInput as error:
        for messages in error.errors.values():
            for message in messages:
                upload_form.add_error("file", message)
        return _page(request, initiative, status=400, upload_form=upload_form)
    except TransitionRefused as refused:
        return _closed(request, initiative, refused)
    # The same answer for a first signature and a repeated one: nobody learns whether a person had signed.
    # Post/redirect/get, so reloading the page does not upload again; the session remembers (for this browser
    # only) that an upload was accepted, so the address alone shows no "recorded" to anyone else.
    request.session[DONE_KEY] = initiative.pk
    return redirect("signature-esign-done", initiative_id=initiative.pk)


@require_safe
def esign_done(request, initiative_id: int):
    initiative = _visible(request, initiative_id)
    if request.session.get(DONE_KEY) != initiative.pk:
        return redirect("signature-esign", initiative_id=initiative.pk)
    return render(request, "signatures/esign_done.html", {"initiative": initiative})
