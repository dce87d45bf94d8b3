"""Supporters' pages, by form of support: e-mail (email/), e-signature (esign/), paper (paper/)."""

from django.urls import path

from signatures import views
from signatures.email import views as email_views
from signatures.esign import views as esign_views
from signatures.paper import views as paper_views

urlpatterns = [
    # Every form: withdrawal, the privacy notice; by e-mail: sign, confirm.
    path("initiatives/<int:initiative_id>/sign/", email_views.sign, name="signature-sign"),
    path("initiatives/<int:initiative_id>/sign/done/", email_views.sign_done, name="signature-sign-done"),
    path("initiatives/<int:initiative_id>/privacy/", views.privacy, name="signature-privacy"),
    # The addresses in supporters' e-mails (docs/contract.md §Signatures): landing pages whose button POSTs.
    path("signatures/confirm/<str:token>/", email_views.confirm, name="signature-confirm"),
    path("signatures/withdraw/<str:token>/", views.withdraw, name="signature-withdraw"),
    # Qualified, personal or trusted-profile signature.
    path("initiatives/<int:initiative_id>/sign/e-signature/", esign_views.esign, name="signature-esign"),
    path(
        "initiatives/<int:initiative_id>/sign/e-signature/upload/",
        esign_views.esign_upload,
        name="signature-esign-upload",
    ),
    path(
        "initiatives/<int:initiative_id>/sign/e-signature/done/",
        esign_views.esign_done,
        name="signature-esign-done",
    ),
    # Paper: sheets to print, rows typed by the committee, scans.
    path("initiatives/<int:initiative_id>/paper/", paper_views.paper_entry, name="paper-entry"),
    path("initiatives/<int:initiative_id>/paper/sheets.pdf", paper_views.paper_sheets, name="paper-sheets"),
    path("initiatives/<int:initiative_id>/paper/scans/", paper_views.paper_scans_page, name="paper-scans"),
    path(
        "initiatives/<int:initiative_id>/paper/scans/<int:sheet_number>/",
        paper_views.paper_scan_download,
        name="paper-scan-download",
    ),
]
