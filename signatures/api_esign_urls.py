from django.urls import path

from signatures import api_esign

urlpatterns = [
    path(
        "initiatives/<int:initiative_id>/statement.pdf",
        api_esign.StatementPdfApi.as_view(),
        name="api-statement-pdf",
    ),
    path(
        "initiatives/<int:initiative_id>/signatures/esigned/",
        api_esign.EsignedSignatureCreateApi.as_view(),
        name="api-esigned-signature-create",
    ),
]
