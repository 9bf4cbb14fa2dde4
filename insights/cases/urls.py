from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_queue, name="queue"),
    path("bulk-assign/", views.cases_bulk_assign, name="bulk_assign"),
    path("reports/", views.case_reports, name="reports"),
    path("preferences/", views.staff_preferences, name="preferences"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/note/", views.case_note, name="note"),
    path("<int:pk>/reply/", views.case_reply, name="reply"),
]
