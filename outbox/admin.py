"""The outbox in the admin, for operators: which e-mails keep failing, since when, and with what error.

Operators (staff, signed in with the second factor: config/urls.py) see the kind and the delivery's
bookkeeping of every e-mail, never its address, subject or body (personal data; nothing here needs them).
Nobody adds or edits an e-mail here; "Retry now" brings chosen unsent ones forward, for when the cause
(the mail server, its settings) has been mended and waiting out the backoff would only delay them.
"""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.delivery import outbox_nudge
from outbox.models import FAILING_AFTER, Email
from personal_data.admin import OperatorReadOnlyAdmin


class DeliveryFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("failing", _("failing (%(attempts)d attempts or more)") % {"attempts": FAILING_AFTER}),
            ("waiting", _("not sent yet")),
            ("sent", _("sent")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(sent_at__isnull=True, attempts__gte=FAILING_AFTER)
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(Email)
class EmailAdmin(OperatorReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "created_at",
        "attempts",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "failing",
    ]
    list_filter = [DeliveryFilter, "kind"]
    fields = list_display
    readonly_fields = list_display
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False
    actions = ["retry_now"]

    @admin.display(boolean=True, description=_("failing"))
    def failing(self, email: Email) -> bool:
        return email.failing

    @admin.action(description=_("Retry now"))
    def retry_now(self, request, queryset):
        with transaction.atomic():
            count = queryset.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())
            transaction.on_commit(outbox_nudge, robust=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again now.", "%(count)d e-mails will be sent again now.", count
            )
            % {"count": count},
        )

    def get_queryset(self, request):
        # The encrypted columns are never read here: listing them would decrypt every address on the page.
        return super().get_queryset(request).defer("to", "subject", "body", "html_body")
