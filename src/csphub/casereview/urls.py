from django.urls import path

from csphub.casework.views import correction_page

from . import corrections as _corrections  # noqa: F401 - registers the correctable case review records
from . import views

urlpatterns = [
    path("", views.application_list, name="case-review-list"),
    path("new/", views.application_create, name="case-review-create"),
    path("<int:pk>/", views.application_detail, name="case-review"),
    # Corrections, with a reason kept in the history (issue 12, item 1)
    path("<int:pk>/edit/", correction_page("case_review"), name="case-review-correct"),
    path("complaints/<int:pk>/edit/", correction_page("case_review_complaint"), name="case-review-complaint-correct"),
]
