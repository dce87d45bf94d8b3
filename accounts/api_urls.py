from django.urls import path

from accounts.api import AuthTokenCreateApi, AuthTokenRevokeApi

urlpatterns = [
    path("auth/token/", AuthTokenCreateApi.as_view(), name="api-auth-token"),
    path("auth/token/revoke/", AuthTokenRevokeApi.as_view(), name="api-auth-token-revoke"),
]
