"""Administration routes: ``account_urlpatterns`` under /account/ (everyone's own tokens) and
``urlpatterns`` under /administration/ (admins). Route names are stable."""

from __future__ import annotations

from django.urls import path

from . import views

account_urlpatterns = [
    path("tokens/", views.tokens_page, name="account-tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="account-token-revoke"),
]

urlpatterns = [
    path("users/", views.user_list, name="admin-users"),
    path("users/new/", views.user_new, name="admin-user-new"),
    path("users/<int:pk>/", views.user_page, name="admin-user"),
    path("tokens/", views.user_tokens_page, name="account-user-tokens"),
    path("agencies/", views.agency_list, name="admin-agencies"),
    path("agencies/<int:pk>/mfa/", views.agency_mfa, name="admin-agency-mfa"),
]
