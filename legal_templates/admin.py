from django.contrib import admin

from legal_templates.models import LegalTemplate, TemplateVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """The catalogue files are the source of templates: change a file and run `load_templates`.

    Nothing is edited here; a version is never changed once an initiative may have been drafted from it.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TemplateVersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ["version", "content_hash", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LegalTemplate)
class LegalTemplateAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "levels", "is_local_law", "position"]
    list_filter = ["is_local_law"]
    search_fields = ["slug", "title"]
    fields = ["slug", "title", "description", "levels", "is_local_law", "position"]
    inlines = [TemplateVersionInline]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ["template", "version", "executor", "created_at"]
    list_filter = ["template"]
    list_select_related = ["template"]
    search_fields = ["template__slug", "template__title"]
    fields = [
        "template",
        "version",
        "resolution_title",
        "legal_basis",
        "fields",
        "body",
        "executor",
        "basis_template",
        "local_law_field",
        "example",
        "example_justification",
        "content_hash",
        "created_at",
    ]
