"""The logs of personal data in the admin, for operators to read (docs/law.md §Personal data,
docs/privacy.md).

Read-only for everybody, superusers included: a log that can be edited proves nothing, so nobody adds,
changes or deletes a row here. Operators (staff) read both logs without a separate permission: reading
them is the point of being an operator. The admin site asks for the second factor (config/urls.py:
OTPAdminSite), and non-staff users, clerks among them, never reach it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from personal_data.models import DeletionLog, PersonalDataAccess


class OperatorReadOnlyAdmin:
    """An admin that operators (active staff) read and nobody, superusers included, adds to, changes or
    deletes from. The one home of that rule: the outbox's admin (outbox/admin.py) uses it too."""

    def has_module_permission(self, request) -> bool:
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_operator(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @staticmethod
    def _is_operator(request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)


class ReadOnlyLogAdmin(OperatorReadOnlyAdmin, admin.ModelAdmin):
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False  # the access log grows with every view: no second COUNT(*) per page
    search_help_text = _("An initiative's number.")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # ?initiative_id=42 filters one initiative's rows (a link from elsewhere may carry it); a list
        # filter would have to list every initiative ever logged.
        return lookup == "initiative_id" or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        """A number finds that initiative's rows (through the index); other words search `extra_search`."""
        term = search_term.strip().removeprefix("#")
        if not term:
            return queryset, False
        if term.isdigit():
            return queryset.filter(initiative_id=int(term)), False
        return self.extra_search(queryset, term), False

    def extra_search(self, queryset, term: str):
        return queryset.none()


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "initiative_id", "what", "records", "detail"]
    list_filter = ["at", "what"]
    list_select_related = ["user"]
    search_fields = ["initiative_id"]  # shows the search box; get_search_results does the work
    search_help_text = _("An initiative's number, or (part of) the reader's e-mail address.")
    fields = list_display

    def extra_search(self, queryset, term: str):
        return queryset.filter(user__email__icontains=term)


@admin.register(DeletionLog)
class DeletionLogAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "initiative_id", "kind", "signatures", "committee_members", "files", "note"]
    list_filter = ["at", "kind"]
    search_fields = ["initiative_id"]
    fields = list_display
