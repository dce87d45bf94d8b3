"""Templates are read-only in the admin: the catalogue files are their source, and versions never change."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from legal_templates.models import LegalTemplate, TemplateVersion


@pytest.mark.parametrize("model", [LegalTemplate, TemplateVersion])
def test_templates_and_versions_cannot_be_added_changed_or_deleted(model, django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
