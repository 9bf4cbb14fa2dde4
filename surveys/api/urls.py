from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import EventBatchApi, EventCreateApi, ResponseViewSet, SurveyViewSet

router = SimpleRouter()
router.register("surveys", SurveyViewSet, basename="survey")
router.register("responses", ResponseViewSet, basename="response")

urlpatterns = [
    path("events/", EventCreateApi.as_view(), name="event-create"),
    path("events/batch/", EventBatchApi.as_view(), name="event-batch"),
    *router.urls,
]
