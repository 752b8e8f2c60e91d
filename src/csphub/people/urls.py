"""People pages (mounted at /people/ by csphub.web.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("matches/", views.queue, name="people-matches"),
]
