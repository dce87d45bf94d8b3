from django.urls import path

from signatures import api_clerk

urlpatterns = [
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/",
        api_clerk.ClerkSignatureListApi.as_view(),
        name="api-clerk-signatures",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/verdicts/",
        api_clerk.ClerkVerdictsSetApi.as_view(),
        name="api-clerk-verdicts",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures.csv",
        api_clerk.ClerkSignaturesCsvApi.as_view(),
        name="api-clerk-signatures-csv",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/verdicts.csv",
        api_clerk.ClerkVerdictsImportApi.as_view(),
        name="api-clerk-verdicts-csv",
    ),
]
