from django.urls import path

from . import views

urlpatterns = [
    path("", views.morning, name="dialin-morning"),
    path("new/", views.entry_new, name="dialin-entry-new"),
    path("upload/", views.upload, name="dialin-upload"),
    path("entries/<int:pk>/", views.entry_detail, name="dialin-entry"),
    path("decisions/<int:pk>/done/", views.decision_done, name="dialin-decision-done"),
    path("digest/", views.digest, name="dialin-digest"),
    path("digest/pdf/", views.digest_pdf, name="dialin-digest-pdf"),
    path("digest/email/", views.digest_email, name="dialin-digest-email"),
    path("figures/", views.figures, name="dialin-figures"),
    path("operations/", views.operation_list, name="dialin-operations"),
    path("operations/new/", views.operation_new, name="dialin-operation-new"),
    path("operations/<int:pk>/", views.operation_detail, name="dialin-operation"),
    path("area-map.svg", views.area_map, name="dialin-area-map"),
    path("places/", views.initiative_list, name="dialin-initiatives"),
    path("places/new/", views.initiative_new, name="dialin-initiative-new"),
    path("places/<int:pk>/", views.initiative_detail, name="dialin-initiative"),
    path("places/<int:pk>/evaluation.docx", views.initiative_docx, name="dialin-initiative-docx"),
    path("places/<int:pk>/evaluation.pdf", views.initiative_pdf, name="dialin-initiative-pdf"),
]
