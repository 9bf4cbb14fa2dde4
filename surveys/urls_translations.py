"""Staff pages to translate a survey's texts; included from `surveys.urls`."""

from django.urls import path

from .views import translations as views

app_name = "translations"

urlpatterns = [
    path("surveys/<int:pk>/translations/", views.translations_overview, name="overview"),
    path(
        "surveys/<int:pk>/translations/<str:language>/",
        views.translations_edit,
        name="edit",
    ),
    path(
        "surveys/<int:pk>/translations/<str:language>/import/",
        views.translations_import_upload,
        name="import",
    ),
    path(
        "surveys/<int:pk>/translations/<str:language>/export.<str:fmt>",
        views.translations_export_file,
        name="export",
    ),
]
