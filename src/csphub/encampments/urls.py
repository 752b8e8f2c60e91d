from django.urls import path

from . import views

urlpatterns = [
    path("", views.incursion_list, name="incursion-list"),
    path("new/", views.incursion_create, name="incursion-create"),
    path("<int:pk>/", views.incursion_detail, name="incursion"),
    path("<int:pk>/facts/", views.incursion_facts, name="incursion-facts"),
    path("<int:pk>/welfare/", views.incursion_welfare, name="incursion-welfare"),
    path("<int:pk>/steps/", views.incursion_step, name="incursion-step"),
    path("<int:pk>/outcome/", views.incursion_outcome, name="incursion-outcome"),
    path("sites/", views.site_list, name="encampment-sites"),
    path("sites/new/", views.site_create, name="encampment-site-create"),
    path("sites/<int:pk>/", views.site_detail, name="encampment-site"),
    path("tents/", views.tent_list, name="tent-list"),
    path("tents/new/", views.tent_create, name="tent-create"),
    path("tents/<int:pk>/", views.tent_detail, name="tent-case"),
    path("figures/", views.figures, name="encampment-figures"),
]
