from django.urls import path  # noqa: F401

app_name = "surveys"

# Public answering pages (/s/...) and staff survey pages.
urlpatterns: list = []
