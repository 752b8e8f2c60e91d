from django.urls import path

from . import views

urlpatterns = [
    path("", views.order_list, name="pspo-list"),
    path("new/", views.order_create, name="pspo-create"),
    path("figures/", views.figures, name="pspo-figures"),
    path("<int:pk>/", views.order_detail, name="pspo"),
    path("<int:pk>/documents/new/", views.document_create, name="pspo-document-create"),
    path("documents/<int:pk>/", views.document_download, name="pspo-document"),
    path("<int:pk>/consultations/new/", views.consultation_create, name="pspo-consultation"),
    path("<int:pk>/changes/new/", views.change_create, name="pspo-change"),
    path("<int:pk>/enforcement/new/", views.enforcement_create, name="pspo-enforcement-create"),
    path("enforcement/<int:pk>/", views.enforcement_detail, name="pspo-enforcement"),
]
