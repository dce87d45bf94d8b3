from django.urls import path

from signatures import views

urlpatterns = [
    path("initiatives/<int:initiative_id>/sign/", views.sign, name="signature-sign"),
    path("initiatives/<int:initiative_id>/sign/done/", views.sign_done, name="signature-sign-done"),
    path("initiatives/<int:initiative_id>/privacy/", views.privacy, name="signature-privacy"),
    # The addresses in supporters' e-mails (docs/contract.md §Signatures): landing pages whose button POSTs.
    path("signatures/confirm/<str:token>/", views.confirm, name="signature-confirm"),
    path("signatures/withdraw/<str:token>/", views.withdraw, name="signature-withdraw"),
]
