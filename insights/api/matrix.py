"""GET /api/v1/customer-matrix/: each visible account's place in the customer matrix."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import VerticalMarket

from ..metrics import MATRIX_METRICS, METRICS, PLACEMENTS
from ..selectors.matrix import CustomerMatrix, customer_matrix, matrix_scope_for, relationship_waves
from .serializers import MAX_ID


class CustomerMatrixInputSerializer(serializers.Serializer):
    """A wave, or a date range (default: the last 365 days); anything else is ignored."""

    wave = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Id of a relationship wave: its answers place the accounts."),
    )
    since = serializers.DateField(
        required=False, help_text=_("Answers submitted on or after this day (YYYY-MM-DD).")
    )
    until = serializers.DateField(
        required=False, help_text=_("Answers submitted on or before this day, inclusive.")
    )
    metric = serializers.ChoiceField(
        choices=[(key, METRICS[key].label) for key in MATRIX_METRICS],
        default="nps",
        help_text=_("The satisfaction axis."),
    )
    vertical_market = serializers.CharField(
        required=False, max_length=40, help_text=_("Code of a vertical market.")
    )

    def validate_wave(self, value: int):
        wave = relationship_waves().filter(pk=value).first()
        if wave is None:
            raise serializers.ValidationError(_("Unknown wave."))
        return wave

    def validate_vertical_market(self, value: str) -> int:
        market_id = VerticalMarket.objects.filter(code=value).values_list("pk", flat=True).first()
        if market_id is None:
            raise serializers.ValidationError(_("Unknown vertical market."))
        return market_id

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if attrs.get("wave") and (since or until):
            raise serializers.ValidationError(
                {"wave": [_("Give a wave or a date range, not both.")]}
            )
        if since and until and since > until:
            raise serializers.ValidationError({"since": [_("Must not be after until.")]})
        return attrs

    def matrix(self) -> CustomerMatrix:
        data = self.validated_data
        scope = matrix_scope_for(
            self.context["request"].user,
            wave=data.get("wave"),
            since=data.get("since"),
            until=data.get("until"),
            vertical_market_id=data.get("vertical_market"),
        )
        return customer_matrix(scope=scope, metric=data["metric"])


MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": False}


class MatrixAccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    vertical_market = serializers.CharField(
        source="vertical_market_code", help_text=_("Code of the vertical market.")
    )
    billed_revenue = serializers.DecimalField(
        **MONEY, help_text=_("Billed revenue of the latest period as the scope ended.")
    )
    forecast_revenue = serializers.DecimalField(
        **MONEY, help_text=_("Forecast revenue of that period: the bubble's size.")
    )
    satisfaction = serializers.FloatField(
        allow_null=True, help_text=_("The account's score on the chosen metric.")
    )
    n = serializers.IntegerField(
        help_text=_("Answers behind the score (for the CX index, sets of its three items).")
    )
    quadrant = serializers.ChoiceField(
        choices=PLACEMENTS,
        help_text=_("model, at_risk, growth, dangling, or insufficient (too few answers)."),
    )


class CustomerMatrixOutputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=MATRIX_METRICS)
    revenue_threshold = serializers.FloatField(
        help_text=_("Billed revenue above this is high billing.")
    )
    satisfaction_threshold = serializers.FloatField(
        help_text=_("A score at or above this is high satisfaction.")
    )
    min_answers = serializers.IntegerField(
        help_text=_("Accounts with fewer answers are not placed (quadrant insufficient).")
    )
    accounts = MatrixAccountOutputSerializer(many=True)


def matrix_output(matrix: CustomerMatrix) -> dict:
    rule = matrix.rule
    return {
        "metric": rule.metric,
        "revenue_threshold": rule.revenue_threshold,
        "satisfaction_threshold": rule.satisfaction_threshold,
        "min_answers": rule.min_answers,
        "accounts": matrix.accounts,
    }


class CustomerMatrixRetrieveApi(APIView):
    """The customer matrix over the caller's accounts: billed revenue, satisfaction, quadrant."""

    permission_model = None  # an aggregate over the caller's visible accounts: every staff user

    @extend_schema(
        parameters=[CustomerMatrixInputSerializer], responses=CustomerMatrixOutputSerializer
    )
    def get(self, request):
        params = CustomerMatrixInputSerializer(
            data=request.query_params, context={"request": request}
        )
        params.is_valid(raise_exception=True)
        return Response(CustomerMatrixOutputSerializer(matrix_output(params.matrix())).data)
