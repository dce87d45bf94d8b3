from django.urls import path

from legal_templates.api import TemplateDetailApi, TemplateListApi, TemplatePreviewApi

urlpatterns = [
    path("templates/", TemplateListApi.as_view(), name="api-template-list"),
    path("templates/<slug:slug>/", TemplateDetailApi.as_view(), name="api-template-detail"),
    path("templates/<slug:slug>/preview/", TemplatePreviewApi.as_view(), name="api-template-preview"),
]
