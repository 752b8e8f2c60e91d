"""Casework pages (mounted at / by csphub.web.urls, which wraps each in the page decorator)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/people/add/", views.case_add_person, name="case-add-person"),
    path("cases/<int:pk>/incidents/add/", views.case_add_incident, name="case-add-incident"),
    path("cases/<int:pk>/interventions/add/", views.case_add_intervention, name="case-add-intervention"),
    path("cases/<int:pk>/referrals/add/", views.case_add_referral, name="case-add-referral"),
    path("cases/<int:pk>/tasks/add/", views.case_add_task, name="case-add-task"),
    path("cases/<int:pk>/tasks/<int:task_id>/done/", views.task_done, name="task-done"),
    path("cases/<int:pk>/notes/add/", views.case_add_note, name="case-add-note"),
    path("cases/<int:pk>/visits/add/", views.case_add_visit, name="case-add-visit"),
    path("cases/<int:pk>/status/", views.case_status, name="case-status"),
    path("cases/<int:pk>/share/", views.case_share, name="case-share"),
    path("cases/<int:pk>/lead/", views.case_lead, name="case-lead"),
    path("cases/<int:pk>/risk/", views.case_risk, name="case-risk"),
    path("cases/<int:pk>/breaches/add/", views.case_add_breach, name="case-add-breach"),
    path("cases/<int:pk>/groups/add/", views.case_add_group, name="case-add-group"),
    path("cases/<int:pk>/interventions/outcome/", views.case_intervention_outcome, name="case-intervention-outcome"),
    path("cases/<int:pk>/attachments/add/", views.case_add_attachment, name="case-add-attachment"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    # Letters, notices from warnings and penalties' payment (issue 12, item 7)
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("interventions/<int:pk>/letter/", views.intervention_letter, name="intervention-letter"),
    path("interventions/<int:pk>/notice/", views.intervention_notice, name="intervention-notice"),
    path("interventions/<int:pk>/payment/", views.intervention_payment, name="intervention-payment"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("alerts/<int:alert_id>/read/", views.alert_read, name="alert-read"),
    path("statistics/", views.statistics, name="statistics"),
    # Corrections, with a reason, and the history of every change (issue 12, item 1)
    path("cases/<int:pk>/edit/", views.correct_case, name="case-correct"),
    path("cases/<int:pk>/history/", views.case_history, name="case-history"),
    path("people/<int:pk>/edit/", views.correct_person, name="person-correct"),
    path("people/<int:pk>/history/", views.person_history, name="person-history"),
    path("parties/<int:pk>/edit/", views.correct_party, name="party-correct"),
    path("incidents/<int:pk>/edit/", views.correct_incident, name="incident-correct"),
    path("visits/<int:pk>/edit/", views.correct_visit, name="visit-correct"),
    path("notes/<int:pk>/edit/", views.correct_note, name="note-correct"),
    path("tasks/<int:pk>/edit/", views.correct_task, name="task-correct"),
    path("interventions/<int:pk>/edit/", views.correct_intervention, name="intervention-correct"),
    path("breaches/<int:pk>/edit/", views.correct_breach, name="breach-correct"),
    path("referrals/<int:pk>/edit/", views.correct_referral, name="referral-correct"),
    path("risk-assessments/<int:pk>/edit/", views.correct_risk, name="risk-correct"),
    # Find (issue 12, item 5)
    path("search/", views.search, name="search"),
    path("caseload/", views.caseload, name="caseload"),
    path("locations/<int:pk>/", views.location_detail, name="location-detail"),
    path("locations/<int:pk>/edit/", views.correct_location, name="location-correct"),
    path("locations/<int:pk>/history/", views.location_history, name="location-history"),
    path("locations/<int:pk>/map.svg", views.location_map, name="location-map"),
    # Chronology (issue 12, item 4); ?format=pdf for the PDF
    path("cases/<int:pk>/timeline/", views.case_timeline, name="case-timeline"),
    path("people/<int:pk>/timeline/", views.person_timeline, name="person-timeline"),
    path("locations/<int:pk>/timeline/", views.location_timeline, name="location-timeline"),
]
