from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors.aggregates import metric_summary
from .serializers import MetricsInputSerializer, MetricsOutputSerializer


class MetricsRetrieveApi(APIView):
    """NPS, CSAT, CES and CX index over the caller's completed answers."""

    permission_model = None  # an aggregate over the caller's visible accounts: every staff user

    @extend_schema(parameters=[MetricsInputSerializer], responses=MetricsOutputSerializer)
    def get(self, request):
        params = MetricsInputSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        summary = metric_summary(params.to_result_filter())
        return Response(MetricsOutputSerializer(summary.as_dict()).data)
