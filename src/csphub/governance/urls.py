from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="governance-home"),
    path("plans/import/", views.plan_import, name="governance-plan-import"),
    path("plans/<int:pk>/", views.plan_detail, name="governance-plan"),
    path("plans/<int:pk>/export/", views.plan_export, name="governance-plan-export"),
    path("actions/<int:pk>/", views.action_detail, name="governance-action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="governance-action-edit"),
    path("boards/", views.board_list, name="governance-boards"),
    path("boards/new/", views.board_create, name="governance-board-create"),
    path("boards/<int:pk>/", views.board_detail, name="governance-board"),
    path("meetings/<int:pk>/", views.meeting_detail, name="governance-meeting"),
    path("papers/<int:pk>/", views.paper_download, name="governance-paper"),
    path("decisions/", views.decision_register, name="governance-decisions"),
    path("calendar/", views.calendar, name="governance-calendar"),
    path("calendar/<int:pk>/done/", views.calendar_done, name="governance-calendar-done"),
    path("grants/", views.grant_list, name="governance-grants"),
    path("grants/new/", views.grant_create, name="governance-grant-create"),
    path("grants/<int:pk>/workstreams/new/", views.workstream_create, name="governance-workstream-create"),
    path("grants/<int:pk>/", views.grant_detail, name="governance-grant"),
    path("grants/<int:pk>/return/", views.grant_return, name="governance-grant-return"),
    path("events/", views.event_list, name="governance-events"),
    path("outreach/", views.outreach, name="governance-outreach"),
    path("papers/new/", views.briefing, name="governance-briefing"),
]
