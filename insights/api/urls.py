from django.urls import path

from .views import MetricsRetrieveApi

urlpatterns = [
    path("metrics/", MetricsRetrieveApi.as_view(), name="metrics"),
]
