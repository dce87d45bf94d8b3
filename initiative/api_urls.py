from django.urls import path

from initiative import api

urlpatterns = [
    path("initiatives/", api.InitiativeListApi.as_view(), name="api-initiative-list"),
    path("initiatives/<int:initiative_id>/", api.InitiativeDetailApi.as_view(), name="api-initiative-detail"),
    path(
        "initiatives/<int:initiative_id>/open/", api.InitiativeOpenApi.as_view(), name="api-initiative-open"
    ),
    path(
        "initiatives/<int:initiative_id>/submit/",
        api.InitiativeSubmitApi.as_view(),
        name="api-initiative-submit",
    ),
    path(
        "initiatives/<int:initiative_id>/withdraw/",
        api.InitiativeWithdrawApi.as_view(),
        name="api-initiative-withdraw",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/invitations/",
        api.CommitteeInvitationCreateApi.as_view(),
        name="api-committee-invite",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/declaration/",
        api.CommitteeDeclarationApi.as_view(),
        name="api-committee-declaration",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/leave/",
        api.CommitteeLeaveApi.as_view(),
        name="api-committee-leave",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/members/<int:member_id>/remove/",
        api.CommitteeMemberRemoveApi.as_view(),
        name="api-committee-remove",
    ),
    path("committee/accept/", api.CommitteeAcceptApi.as_view(), name="api-committee-accept"),
]
