from django.urls import path

from municipalities.api import MunicipalityDetailApi, MunicipalityListApi

urlpatterns = [
    path("municipalities/", MunicipalityListApi.as_view(), name="api-municipality-list"),
    path("municipalities/<str:teryt>/", MunicipalityDetailApi.as_view(), name="api-municipality-detail"),
]
