from django.urls import path

from municipalities import views

urlpatterns = [
    path("councils/", views.council_search, name="council-search"),
    path("councils/<str:teryt>/", views.council_detail, name="council-detail"),
    path("councils/<str:teryt>/rules-report/", views.council_rules_report, name="council-rules-report"),
]
