from django.urls import path

from signatures import api

urlpatterns = [
    path(
        "initiatives/<int:initiative_id>/signatures/",
        api.SignatureCreateApi.as_view(),
        name="api-signature-create",
    ),
    path(
        "initiatives/<int:initiative_id>/paper-signatures/",
        api.PaperSignatureCreateApi.as_view(),
        name="api-paper-signature-create",
    ),
    path("signatures/confirm/", api.SignatureConfirmApi.as_view(), name="api-signature-confirm"),
    path("signatures/withdraw/", api.SignatureWithdrawApi.as_view(), name="api-signature-withdraw"),
]
