from django.urls import path

from .views import MetricsApi

urlpatterns = [
    path("metrics/", MetricsApi.as_view(), name="metrics"),
]
