from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched but never edited."""

    list_display = ["at", "username", "agency", "action", "channel", "object_type", "object_id"]
    list_filter = ["action", "channel", "object_type"]
    search_fields = ["username", "object_id", "summary"]

    def has_add_permission(self, request):  # noqa: ARG002
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ARG002
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ARG002
        return False
