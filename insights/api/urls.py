from django.urls import path

from .corridor import CorridorRetrieveApi
from .matrix import CustomerMatrixRetrieveApi
from .views import MetricsRetrieveApi

urlpatterns = [
    path("metrics/", MetricsRetrieveApi.as_view(), name="metrics"),
    path("corridor/", CorridorRetrieveApi.as_view(), name="corridor"),
    path("customer-matrix/", CustomerMatrixRetrieveApi.as_view(), name="customer-matrix"),
]
