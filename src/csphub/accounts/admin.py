"""Agencies, users' membership of them, roles and API tokens."""
from django.contrib import admin

from .models import Agency, ApiToken, Membership


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "mfa_required"]
    list_filter = ["kind", "mfa_required"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "scope", "created_on", "expires_on", "last_used_on", "revoked_on"]
    list_filter = ["scope"]
    readonly_fields = ["digest", "last_used_on"]
