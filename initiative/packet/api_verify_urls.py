from django.urls import path

from initiative.packet.api_verify import PacketVerifyApi

urlpatterns = [
    path("packets/verify/", PacketVerifyApi.as_view(), name="api-packet-verify"),
]
