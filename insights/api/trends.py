"""GET /api/v1/trends/: a metric per month or quarter with confidence intervals and the
significance of each change, over the caller's accounts."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import VerticalMarket

from ..metrics import METRICS
from ..selectors.trends import PERIOD_LABELS, TREND_METRICS, Trend, metric_trend, trend_scope_for
from .serializers import MetricsInputSerializer


class TrendsInputSerializer(MetricsInputSerializer):
    """The metrics endpoint's filters plus the metric, the period and a vertical market."""

    metric = serializers.ChoiceField(
        choices=[(key, METRICS[key].label) for key in TREND_METRICS],
        default="nps",
        help_text=_("The metric to follow."),
    )
    period = serializers.ChoiceField(
        choices=list(PERIOD_LABELS.items()),
        default="month",
        help_text=_("month or quarter."),
    )
    vertical_market = serializers.CharField(
        required=False, max_length=40, help_text=_("Code of a vertical market.")
    )

    def validate_vertical_market(self, value: str) -> int:
        market_id = VerticalMarket.objects.filter(code=value).values_list("pk", flat=True).first()
        if market_id is None:
            raise serializers.ValidationError(_("Unknown vertical market."))
        return market_id

    def trend(self) -> Trend:
        data = self.validated_data
        scope = trend_scope_for(
            self.context["request"].user,
            period=data["period"],
            since=data.get("since"),
            until=data.get("until"),
            survey_id=data.get("survey"),
            touch_point_id=data.get("touch_point"),
            account_id=data.get("account"),
            vertical_market_id=data.get("vertical_market"),
        )
        return metric_trend(scope=scope, metric=data["metric"])


class TrendPointOutputSerializer(serializers.Serializer):
    period = serializers.DateField(help_text=_("First day of the month or quarter."))
    label = serializers.CharField(help_text=_("The period as shown on charts."))
    value = serializers.FloatField(
        allow_null=True, help_text=_("The metric, as published (null: no answers).")
    )
    low = serializers.FloatField(
        allow_null=True, help_text=_("Lower bound of the confidence interval (null: too few).")
    )
    high = serializers.FloatField(
        allow_null=True, help_text=_("Upper bound of the confidence interval (null: too few).")
    )
    margin = serializers.FloatField(
        allow_null=True, help_text=_("Margin of error: half the interval's width.")
    )
    n = serializers.IntegerField(
        help_text=_("Answers behind the value (for the CX index, sets of its three items).")
    )
    too_few = serializers.BooleanField(
        help_text=_("Fewer answers than min_n: no interval and no test.")
    )
    change = serializers.FloatField(
        allow_null=True, help_text=_("Change from the period before (null for the first).")
    )
    p_value = serializers.FloatField(
        allow_null=True, help_text=_("Two-sided p-value of that change (null: not tested).")
    )
    significant = serializers.BooleanField(
        help_text=_("True only where the change is significant at alpha.")
    )


class TrendOutputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=TREND_METRICS)
    period = serializers.ChoiceField(choices=list(PERIOD_LABELS))
    since = serializers.DateField(source="scope.since")
    until = serializers.DateField(source="scope.until")
    confidence = serializers.FloatField(help_text=_("Confidence level of the intervals."))
    alpha = serializers.FloatField(help_text=_("Significance level of the change tests."))
    min_n = serializers.IntegerField(help_text=_("Fewest answers for an interval or a test."))
    points = TrendPointOutputSerializer(many=True)


class TrendsRetrieveApi(APIView):
    """A metric per month or quarter with its margin of error; `significant` marks the
    changes a two-sided test finds significant (z test for NPS and shares, Welch for means)."""

    permission_model = None  # an aggregate over the caller's visible accounts: every staff user

    @extend_schema(parameters=[TrendsInputSerializer], responses=TrendOutputSerializer)
    def get(self, request):
        params = TrendsInputSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        trend = params.trend()
        data = {
            "metric": trend.metric,
            "period": trend.scope.period,
            "scope": trend.scope,
            "confidence": trend.confidence,
            "alpha": trend.alpha,
            "min_n": trend.min_n,
            "points": trend.points,
        }
        return Response(TrendOutputSerializer(data).data)
