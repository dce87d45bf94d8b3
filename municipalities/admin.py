from django.contrib import admin

from municipalities.models import LocalRules, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["teryt", "name", "kind", "council_name", "population", "population_as_of"]
    list_filter = ["level"]
    search_fields = ["teryt", "search_name", "name"]
    readonly_fields = ["teryt", "level", "kind", "parent", "name"]
    fields = [
        "teryt",
        "name",
        "level",
        "kind",
        "parent",
        "council_name",
        "council_email",
        "population",
        "population_as_of",
        "population_source",
        "packet_retention_days",
    ]


@admin.register(LocalRules)
class LocalRulesAdmin(admin.ModelAdmin):
    """Versions are read-only here: a change is a new version, loaded with `import_local_rules`."""

    list_display = ["unit", "version", "resolution", "adopted_on", "committee_min", "identifier"]
    search_fields = ["unit__teryt", "unit__name", "resolution"]
    list_select_related = ["unit"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
