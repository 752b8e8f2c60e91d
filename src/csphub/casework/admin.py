"""Only configuration lives in the admin. Casework records are not registered here: the admin
would bypass need-to-know (permissions.py) and the audit of every view."""

from django.contrib import admin

from .models import CaseType


@admin.register(CaseType)
class CaseTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
