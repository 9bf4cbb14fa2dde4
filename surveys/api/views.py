"""Read-only survey API: definitions and completed responses, scoped to the caller."""

from rest_framework import viewsets

from customers.api.mixins import ScopedObjectMixin

from ..models import Response
from ..selectors.responses import response_list, survey_list
from .filters import ResponseFilterSet, SurveyFilterSet
from .serializers import ResponseSerializer, SurveySerializer


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey definitions with their questions and choices."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet

    def get_queryset(self):
        return survey_list()


class ResponseViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """Completed responses of the caller's accounts, newest first."""

    unscoped_model = Response
    serializer_class = ResponseSerializer
    filterset_class = ResponseFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        return response_list(user=self.request.user)
