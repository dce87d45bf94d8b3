from django.urls import path

from accounts.api import AuthTokenCreateApi

urlpatterns = [
    path("auth/token/", AuthTokenCreateApi.as_view(), name="api-auth-token"),
]
