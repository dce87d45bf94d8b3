"""The site's URLs plus a page and an API view guarded the way later clerk pages will be."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.decorators import verified_login_required
from accounts.permissions import IsVerifiedWhenRequired
from config.urls import urlpatterns as site_urlpatterns


@verified_login_required
def clerk_page(request):
    return HttpResponse("clerk page")


class ClerkApi(APIView):
    permission_classes = [IsVerifiedWhenRequired]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("clerk/page/", clerk_page),
    path("api/v1/clerk/thing/", ClerkApi.as_view()),
    *site_urlpatterns,
]
