from django.urls import path

from csphub.casework.views import correction_page

from . import corrections as _corrections  # noqa: F401 - registers the correctable panel records
from . import views

urlpatterns = [
    path("", views.panel_list, name="panel-list"),
    path("refer/", views.refer, name="panel-refer"),
    path("<int:pk>/", views.panel_detail, name="panel-detail"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="panel-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="panel-meeting"),
    path("referrals/<int:pk>/", views.referral_detail, name="panel-referral"),
    # Corrections, with a reason kept in the history (issue 12, item 1)
    path("referrals/<int:pk>/edit/", correction_page("panel_referral"), name="panel-referral-correct"),
    path("referrals/<int:pk>/history/", views.referral_history, name="panel-referral-history"),
    path("actions/<int:pk>/edit/", correction_page("panel_action"), name="panel-action-correct"),
]
