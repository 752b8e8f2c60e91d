from django.urls import path

from . import views

urlpatterns = [
    path("", views.application_list, name="case-review-list"),
    path("new/", views.application_create, name="case-review-create"),
    path("<int:pk>/", views.application_detail, name="case-review"),
]
