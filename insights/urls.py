from django.urls import path

from . import views, views_waves

app_name = "insights"

urlpatterns = [
    path("", views.survey_list, name="index"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("programmes/<int:pk>/waves/", views_waves.programme_waves, name="programme_waves"),
]
