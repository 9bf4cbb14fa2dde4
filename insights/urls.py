from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.survey_list, name="index"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
]
