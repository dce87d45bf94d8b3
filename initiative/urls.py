"""The initiative's pages: the public ones, the committee's, the council office's (clerk/) and the check of
a filed packet."""

from django.urls import path

from initiative import views
from initiative.clerk import signature_views
from initiative.clerk import views as clerk_views
from initiative.filing import views as filing_views
from initiative.filing.packet import views_verify

urlpatterns = [
    # Residents and committees.
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/new/", views.initiative_start, name="initiative-start"),
    path("initiatives/mine/", views.my_initiatives, name="initiative-mine"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:initiative_id>/manage/", views.initiative_manage, name="initiative-manage"),
    path("initiatives/<int:initiative_id>/edit/", views.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:initiative_id>/open/", views.initiative_open_view, name="initiative-open"),
    path("initiatives/<int:initiative_id>/submit/", views.initiative_submit_view, name="initiative-submit"),
    # Delivering the filing to the council's office (initiative/filing/).
    path(
        "initiatives/<int:initiative_id>/delivery/",
        filing_views.initiative_delivery,
        name="initiative-delivery",
    ),
    path(
        "initiatives/<int:initiative_id>/delivery/sign/",
        filing_views.initiative_packet_sign,
        name="initiative-packet-sign",
    ),
    path(
        "initiatives/<int:initiative_id>/delivery/<int:delivery_id>/receipt/",
        filing_views.delivery_receipt,
        name="delivery-receipt",
    ),
    path(
        "initiatives/<int:initiative_id>/withdraw/",
        views.initiative_withdraw_view,
        name="initiative-withdraw",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/invite/",
        views.committee_invite_view,
        name="committee-invite",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/declare/",
        views.committee_declare_view,
        name="committee-declare",
    ),
    path("initiatives/<int:initiative_id>/chair-notice/", views.chair_notice_view, name="chair-notice"),
    path(
        "initiatives/<int:initiative_id>/committee/contact/",
        views.committee_contact_view,
        name="committee-contact",
    ),
    path(
        "initiatives/<int:initiative_id>/committee/leave/", views.committee_leave_view, name="committee-leave"
    ),
    path(
        "initiatives/<int:initiative_id>/committee/<int:member_id>/remove/",
        views.committee_remove_view,
        name="committee-remove",
    ),
    path("committee/accept/<str:token>/", views.committee_accept_view, name="committee-accept"),
    # Anyone: does this file match what was filed?
    path("packets/verify/", views_verify.packet_verify_page, name="packet-verify"),
    # The council office: inbox, decisions (initiative/clerk/).
    path("clerk/", clerk_views.clerk_inbox, name="clerk-inbox"),
    path("clerk/initiatives/<int:initiative_id>/", clerk_views.clerk_initiative, name="clerk-initiative"),
    path(
        "clerk/initiatives/<int:initiative_id>/receive/", clerk_views.clerk_receive_view, name="clerk-receive"
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/originals/",
        clerk_views.clerk_originals_view,
        name="clerk-originals",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/start-verification/",
        clerk_views.clerk_start_verification_view,
        name="clerk-start-verification",
    ),
    path("clerk/initiatives/<int:initiative_id>/accept/", clerk_views.clerk_accept_view, name="clerk-accept"),
    path(
        "clerk/initiatives/<int:initiative_id>/request-supplement/",
        clerk_views.clerk_request_supplement_view,
        name="clerk-request-supplement",
    ),
    path("clerk/initiatives/<int:initiative_id>/reject/", clerk_views.clerk_reject_view, name="clerk-reject"),
    path(
        "clerk/initiatives/<int:initiative_id>/outcome/",
        clerk_views.clerk_record_outcome_view,
        name="clerk-record-outcome",
    ),
    # The council office: the support list and its verdicts.
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/",
        signature_views.signature_list,
        name="clerk-signatures",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/verdicts/",
        signature_views.verdicts_post,
        name="clerk-signatures-verdicts",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures/import/",
        signature_views.verdicts_import_post,
        name="clerk-signatures-import",
    ),
    path(
        "clerk/initiatives/<int:initiative_id>/signatures.csv",
        signature_views.signatures_csv_download,
        name="clerk-signatures-csv",
    ),
]
