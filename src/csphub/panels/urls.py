from django.urls import path

from . import views

urlpatterns = [
    path("", views.panel_list, name="panel-list"),
    path("refer/", views.refer, name="panel-refer"),
    path("<int:pk>/", views.panel_detail, name="panel-detail"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="panel-meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="panel-meeting"),
    path("referrals/<int:pk>/", views.referral_detail, name="panel-referral"),
]
