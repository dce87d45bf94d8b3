from django.urls import path

from signatures import views_esign

urlpatterns = [
    path("initiatives/<int:initiative_id>/sign/e-signature/", views_esign.esign, name="signature-esign"),
    path(
        "initiatives/<int:initiative_id>/sign/e-signature/upload/",
        views_esign.esign_upload,
        name="signature-esign-upload",
    ),
    path(
        "initiatives/<int:initiative_id>/sign/e-signature/done/",
        views_esign.esign_done,
        name="signature-esign-done",
    ),
]
