from django.urls import path

from initiative import views_clerk

urlpatterns = [
    path("clerk/", views_clerk.clerk_inbox, name="clerk-inbox"),
    path("clerk/initiatives/<int:initiative_id>/", views_clerk.clerk_initiative, name="clerk-initiative"),
    path(
        "clerk/initiatives/<int:initiative_id>/start-verification/",
        views_clerk.clerk_start_verification_view,
        name="clerk-start-verification",
    ),
    path("clerk/initiatives/<int:initiative_id>/accept/", views_clerk.clerk_accept_view, name="clerk-accept"),
    path(
        "clerk/initiatives/<int:initiative_id>/request-supplement/",
        views_clerk.clerk_request_supplement_view,
        name="clerk-request-supplement",
    ),
    path("clerk/initiatives/<int:initiative_id>/reject/", views_clerk.clerk_reject_view, name="clerk-reject"),
    path(
        "clerk/initiatives/<int:initiative_id>/outcome/",
        views_clerk.clerk_record_outcome_view,
        name="clerk-record-outcome",
    ),
]
