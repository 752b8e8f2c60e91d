from django.urls import path

from . import views

urlpatterns = [
    path("", views.register, name="cctv-register"),
    path("dashboard/", views.dashboard, name="cctv-dashboard"),
    path("cameras/new/", views.camera_create, name="cctv-camera-create"),
    path("cameras/<int:pk>/", views.camera_detail, name="cctv-camera"),
    path("cameras/<int:pk>/edit/", views.camera_edit, name="cctv-camera-edit"),
    path("cameras/<int:pk>/faults/add/", views.fault_add, name="cctv-fault-add"),
    path("faults/", views.fault_list, name="cctv-faults"),
    path("faults/<int:pk>/close/", views.fault_close, name="cctv-fault-close"),
    path("reviews/", views.review_list, name="cctv-reviews"),
    path("reviews/new/", views.review_create, name="cctv-review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="cctv-review"),
    path("reviews/<int:pk>/notice/", views.review_notice, name="cctv-review-notice"),
    path("reviews/<int:pk>/dpia/", views.review_dpia, name="cctv-review-dpia"),
    path("reviews/<int:pk>/code/", views.review_code, name="cctv-review-code"),
    path("meetings/", views.meetings, name="cctv-meetings"),
    path("deployments/", views.deployments, name="cctv-deployments"),
    path("deployments/new/", views.deployment_create, name="cctv-deployment-create"),
    path("deployments/<int:pk>/review/", views.deployment_review, name="cctv-deployment-review"),
    path("footage/", views.footage_list, name="cctv-footage"),
    path("footage/new/", views.footage_create, name="cctv-footage-create"),
    path("footage/<int:pk>/", views.footage_detail, name="cctv-footage-request"),
    path("report/", views.quarter_report, name="cctv-report"),
    path("report/map.png", views.register_map, name="cctv-map"),
    path("export/", views.register_export, name="cctv-export"),
    path("upload/", views.upload, name="cctv-upload"),
    path("code/", views.estate_code, name="cctv-code"),
]
