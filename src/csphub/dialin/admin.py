"""Only configuration lives in the admin: the partnership's list of dial-in entry types and of
operation output kinds. Entries, decisions, operations and initiatives are not registered here:
the admin would bypass need-to-know (csphub.access) and the audit of every view."""

from django.contrib import admin

from .models import EntryType, OutputKind


@admin.register(EntryType)
class EntryTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]


@admin.register(OutputKind)
class OutputKindAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "is_active"]
    list_filter = ["is_active"]
