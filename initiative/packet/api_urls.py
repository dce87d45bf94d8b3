from django.urls import path

from initiative.packet.api import PacketDownloadApi

urlpatterns = [
    path(
        "initiatives/<int:initiative_id>/packet.pdf", PacketDownloadApi.as_view(), name="api-packet-download"
    ),
]
