from django.urls import path

from initiative import api_clerk

urlpatterns = [
    path("clerk/initiatives/", api_clerk.ClerkInitiativeListApi.as_view(), name="api-clerk-initiative-list"),
    path(
        "clerk/initiatives/<int:initiative_id>/",
        api_clerk.ClerkInitiativeDetailApi.as_view(),
        name="api-clerk-initiative-detail",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/start_verification/",
        api_clerk.ClerkInitiativeStartVerificationApi.as_view(),
        name="api-clerk-start-verification",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/accept/",
        api_clerk.ClerkInitiativeAcceptApi.as_view(),
        name="api-clerk-accept",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/request_supplement/",
        api_clerk.ClerkInitiativeRequestSupplementApi.as_view(),
        name="api-clerk-request-supplement",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/reject/",
        api_clerk.ClerkInitiativeRejectApi.as_view(),
        name="api-clerk-reject",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/record_outcome/",
        api_clerk.ClerkInitiativeRecordOutcomeApi.as_view(),
        name="api-clerk-record-outcome",
    ),
]
