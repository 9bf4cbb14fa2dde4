from django.urls import path

from .views import accounts, corridor, gaps, matrix, results, waves

app_name = "insights"

urlpatterns = [
    path("", results.survey_list, name="index"),
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("programmes/<int:pk>/waves/", waves.programme_waves, name="programme_waves"),
    path("matrix/", matrix.customer_matrix_page, name="matrix"),
    path("corridor/", corridor.corridor_page, name="corridor"),
    path("perception-gap/", gaps.perception_gap_page, name="perception_gap"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
]
