from django.urls import path

from .views import results, waves

app_name = "insights"

urlpatterns = [
    path("", results.survey_list, name="index"),
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("programmes/<int:pk>/waves/", waves.programme_waves, name="programme_waves"),
]
