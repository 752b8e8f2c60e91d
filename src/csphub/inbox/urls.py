"""Inbox pages: ``urlpatterns`` under /inbox/, ``account_urlpatterns`` under /account/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("read/", views.inbox_read_all, name="inbox-read-all"),
    path("<int:pk>/", views.inbox_open, name="inbox-open"),
]

account_urlpatterns = [
    path("notifications/", views.notifications, name="account-notifications"),
]
