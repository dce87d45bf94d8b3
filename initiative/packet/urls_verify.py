from django.urls import path

from initiative.packet import views_verify

urlpatterns = [
    path("packets/verify/", views_verify.packet_verify_page, name="packet-verify"),
]
