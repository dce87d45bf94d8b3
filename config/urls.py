from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView

from accounts.lockout import attempts_in_turn_view
from config import api_docs
from config.health import health
from municipalities.views import home

# Operators see everyone's data in the admin: it asks for the second factor too
# (docs/law.md §The council office, §Personal data), and its sign-in counts towards the lockout after wrong
# passwords one attempt at a time, as our own pages do.
admin.site.__class__ = OTPAdminSite
admin.site.login = attempts_in_turn_view(admin.site.login)

api_v1 = [
    path("", include("municipalities.api_urls")),
    path("", include("legal_templates.api_urls")),
    path("", include("accounts.api_urls")),
    path("", include("initiative.api_urls")),
    path("", include("signatures.api_urls")),
]

handler400 = "config.api_errors.bad_request"
handler404 = "config.api_errors.not_found"
handler500 = "config.database_outage.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("", include("municipalities.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("initiative.urls")),
    path("", include("signatures.urls")),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("admin/", admin.site.urls),
]
