from django.urls import path

from signatures import views_clerk

urlpatterns = [
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/",
        views_clerk.signature_list,
        name="clerk-signatures",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/verdicts/",
        views_clerk.verdicts_post,
        name="clerk-signatures-verdicts",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/import/",
        views_clerk.verdicts_import_post,
        name="clerk-signatures-import",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures.csv",
        views_clerk.signatures_csv_download,
        name="clerk-signatures-csv",
    ),
]
