"""The initiative's API: initiatives and committees, the packet, the council office's work
(docs/contract.md)."""

from django.urls import path

from initiative import api
from initiative.clerk import api as clerk_api
from initiative.clerk import signature_api
from initiative.filing.api import DeliveryListApi, SignedPacketApi
from initiative.filing.packet.api import PacketDownloadApi
from initiative.filing.packet.api_verify import PacketVerifyApi

urlpatterns = [
    # Residents and committees.
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
        "initiatives/<int:initiative_id>/chair-notice/", api.ChairNoticeApi.as_view(), name="api-chair-notice"
    ),
    path(
        "initiatives/<int:initiative_id>/committee/contact/",
        api.CommitteeContactApi.as_view(),
        name="api-committee-contact",
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
    # The filed packet.
    path(
        "initiatives/<int:initiative_id>/packet.pdf", PacketDownloadApi.as_view(), name="api-packet-download"
    ),
    path("initiatives/<int:initiative_id>/deliveries/", DeliveryListApi.as_view(), name="api-delivery-list"),
    path(
        "initiatives/<int:initiative_id>/packet/signed/", SignedPacketApi.as_view(), name="api-signed-packet"
    ),
    # Anyone checks a packet.
    path("packets/verify/", PacketVerifyApi.as_view(), name="api-packet-verify"),
    # The council office (initiative/clerk/).
    path("clerk/initiatives/", clerk_api.ClerkInitiativeListApi.as_view(), name="api-clerk-initiative-list"),
    path(
        "clerk/initiatives/<int:initiative_id>/",
        clerk_api.ClerkInitiativeDetailApi.as_view(),
        name="api-clerk-initiative-detail",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/receive/",
        clerk_api.ClerkInitiativeReceiveApi.as_view(),
        name="api-clerk-receive",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/originals/",
        clerk_api.ClerkInitiativeOriginalsApi.as_view(),
        name="api-clerk-originals",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/start_verification/",
        clerk_api.ClerkInitiativeStartVerificationApi.as_view(),
        name="api-clerk-start-verification",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/accept/",
        clerk_api.ClerkInitiativeAcceptApi.as_view(),
        name="api-clerk-accept",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/request_supplement/",
        clerk_api.ClerkInitiativeRequestSupplementApi.as_view(),
        name="api-clerk-request-supplement",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/reject/",
        clerk_api.ClerkInitiativeRejectApi.as_view(),
        name="api-clerk-reject",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/record_outcome/",
        clerk_api.ClerkInitiativeRecordOutcomeApi.as_view(),
        name="api-clerk-record-outcome",
    ),
    # The council office: the support list and its verdicts.
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/",
        signature_api.ClerkSignatureListApi.as_view(),
        name="api-clerk-signatures",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/verdicts/",
        signature_api.ClerkVerdictsSetApi.as_view(),
        name="api-clerk-verdicts",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures.csv",
        signature_api.ClerkSignaturesCsvApi.as_view(),
        name="api-clerk-signatures-csv",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/verdicts.csv",
        signature_api.ClerkVerdictsImportApi.as_view(),
        name="api-clerk-verdicts-csv",
    ),
]
