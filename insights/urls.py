from django.urls import path

from .views import accounts, analysis, corridor, dashboards, gaps, matrix, results, waves

app_name = "insights"

urlpatterns = [
    path("", dashboards.executive, name="index"),
    path("surveys/", results.survey_list, name="surveys"),
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("programmes/<int:pk>/waves/", waves.programme_waves, name="programme_waves"),
    path("matrix/", matrix.customer_matrix_page, name="matrix"),
    path("corridor/", corridor.corridor_page, name="corridor"),
    path("perception-gap/", gaps.perception_gap_page, name="perception_gap"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account"),
    path("trends/", analysis.trends_page, name="trends"),
    path("drivers/", analysis.drivers_page, name="drivers"),
    path("loyalty/", analysis.loyalty_page, name="loyalty"),
    path("gm/", dashboards.general_manager, name="gm"),
    path("team/", dashboards.account_team, name="team"),
    path("analyst/", dashboards.analyst, name="analyst"),
    path("responses/<int:pk>/", dashboards.response_detail, name="response"),
]
