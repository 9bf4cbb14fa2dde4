from django.urls import path
from rest_framework.routers import SimpleRouter

from .corridor import CorridorRetrieveApi
from .matrix import CustomerMatrixRetrieveApi
from .predictions import PredictionViewSet
from .trends import TrendsRetrieveApi
from .views import MetricsRetrieveApi

router = SimpleRouter()
router.register("predictions", PredictionViewSet, basename="prediction")

urlpatterns = [
    path("metrics/", MetricsRetrieveApi.as_view(), name="metrics"),
    path("corridor/", CorridorRetrieveApi.as_view(), name="corridor"),
    path("trends/", TrendsRetrieveApi.as_view(), name="trends"),
    path("customer-matrix/", CustomerMatrixRetrieveApi.as_view(), name="customer-matrix"),
    *router.urls,
]
