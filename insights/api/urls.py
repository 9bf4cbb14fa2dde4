from django.urls import path

from .matrix import CustomerMatrixRetrieveApi
from .views import MetricsRetrieveApi

urlpatterns = [
    path("metrics/", MetricsRetrieveApi.as_view(), name="metrics"),
    path("customer-matrix/", CustomerMatrixRetrieveApi.as_view(), name="customer-matrix"),
]
