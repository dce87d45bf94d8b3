from django.urls import path

from initiative import views

urlpatterns = [
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/new/", views.initiative_start, name="initiative-start"),
    path("initiatives/mine/", views.my_initiatives, name="initiative-mine"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:initiative_id>/manage/", views.initiative_manage, name="initiative-manage"),
    path("initiatives/<int:initiative_id>/edit/", views.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:initiative_id>/open/", views.initiative_open_view, name="initiative-open"),
    path("initiatives/<int:initiative_id>/submit/", views.initiative_submit_view, name="initiative-submit"),
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
    path(
        "initiatives/<int:initiative_id>/committee/leave/", views.committee_leave_view, name="committee-leave"
    ),
    path(
        "initiatives/<int:initiative_id>/committee/<int:member_id>/remove/",
        views.committee_remove_view,
        name="committee-remove",
    ),
    path("committee/accept/<str:token>/", views.committee_accept_view, name="committee-accept"),
]
