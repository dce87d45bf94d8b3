"""Supporters' API (docs/contract.md §Signatures), by form of support."""

from django.urls import path

from signatures import api
from signatures.email import api as email_api
from signatures.esign import api as esign_api
from signatures.paper import api as paper_api

urlpatterns = [
    # By e-mail, and withdrawal of any form.
    path(
        "initiatives/<int:initiative_id>/signatures/",
        email_api.SignatureCreateApi.as_view(),
        name="api-signature-create",
    ),
    path(
        "initiatives/<int:initiative_id>/paper-signatures/",
        paper_api.PaperSignatureCreateApi.as_view(),
        name="api-paper-signature-create",
    ),
    path("signatures/confirm/", email_api.SignatureConfirmApi.as_view(), name="api-signature-confirm"),
    path("signatures/withdraw/", api.SignatureWithdrawApi.as_view(), name="api-signature-withdraw"),
    # E-signature.
    path(
        "initiatives/<int:initiative_id>/statement.pdf",
        esign_api.StatementPdfApi.as_view(),
        name="api-statement-pdf",
    ),
    path(
        "initiatives/<int:initiative_id>/signatures/esigned/",
        esign_api.EsignedSignatureCreateApi.as_view(),
        name="api-esigned-signature-create",
    ),
]
