from django.urls import path

from csphub.casework.views import correction_page

from . import corrections as _corrections  # noqa: F401 - registers the correctable case review records
from . import views

urlpatterns = [
    path("", views.application_list, name="case-review-list"),
    path("new/", views.application_create, name="case-review-create"),
    path("<int:pk>/", views.application_detail, name="case-review"),
    # The workflow (issue 12, item 8)
    path("<int:pk>/cases/link/", views.link_case, name="case-review-link-case"),
    path("<int:pk>/discretion/", views.discretion, name="case-review-discretion"),
    path("<int:pk>/meeting/", views.meeting, name="case-review-meeting"),
    path("<int:pk>/meeting/edit/", views.meeting_correct, name="case-review-meeting-correct"),
    path("<int:pk>/history/", views.review_history, name="case-review-history"),
    path("<int:pk>/letter/", views.application_letter, name="case-review-letter"),  # issue 12, item 7
    path("<int:pk>/recommendations/new/", views.recommendation_add, name="case-review-recommendation-add"),
    path("recommendations/", views.recommendation_list, name="case-review-recommendations"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="case-review-recommendation"),
    path("people-to-tell/", views.people_to_tell, name="case-review-people-to-tell"),
    # Corrections, with a reason kept in the history (issue 12, item 1)
    path("<int:pk>/edit/", correction_page("case_review"), name="case-review-correct"),
    path("complaints/<int:pk>/edit/", correction_page("case_review_complaint"), name="case-review-complaint-correct"),
]
