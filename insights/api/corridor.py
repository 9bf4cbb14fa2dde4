"""GET /api/v1/corridor/: the touch-point corridor per month or quarter."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors.corridor import ATTRIBUTE_NAME, PERIODS, Corridor, corridor, corridor_scope_for


class CorridorInputSerializer(serializers.Serializer):
    since = serializers.DateField(
        required=False,
        help_text=_("First day (YYYY-MM-DD); default: twelve months or four quarters back."),
    )
    until = serializers.DateField(
        required=False, help_text=_("Last day, inclusive; default: today.")
    )
    period = serializers.ChoiceField(
        choices=list(PERIODS), default="month", help_text=_("month or quarter.")
    )
    attribute = serializers.RegexField(
        ATTRIBUTE_NAME,
        required=False,
        help_text=_("Cut by this attribute of the events (e.g. technician, agent, region)."),
    )

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"since": [_("Must not be after until.")]})
        return attrs

    def corridor(self) -> Corridor:
        data = self.validated_data
        scope = corridor_scope_for(
            self.context["request"].user,
            since=data.get("since"),
            until=data.get("until"),
            period=data["period"],
            attribute=data.get("attribute"),
        )
        return corridor(scope=scope)


class CorridorChangeSerializer(serializers.Serializer):
    nps = serializers.FloatField(allow_null=True)
    csat = serializers.FloatField(allow_null=True)
    ces = serializers.FloatField(allow_null=True)
    low_share = serializers.FloatField(allow_null=True)


class CorridorCellSerializer(serializers.Serializer):
    period = serializers.DateField(help_text=_("First day of the month or quarter."))
    responses = serializers.IntegerField(help_text=_("Completed responses."))
    nps = serializers.FloatField(allow_null=True)
    nps_n = serializers.IntegerField()
    csat = serializers.FloatField(allow_null=True, help_text=_("Percent of 4-5 on 1-5."))
    csat_n = serializers.IntegerField()
    ces = serializers.FloatField(allow_null=True, help_text=_("Mean customer effort, 1-7."))
    ces_n = serializers.IntegerField()
    low_share = serializers.FloatField(
        allow_null=True,
        help_text=_("Percent of low scores: NPS 0-6, CSAT 1-2, CES 1-3."),
    )
    scored = serializers.IntegerField(help_text=_("NPS, CSAT and CES answers."))
    change = CorridorChangeSerializer(
        help_text=_("Change from the previous period (nulls in the first period).")
    )
    weakest = serializers.BooleanField(
        help_text=_("The highest share of low scores of its period (among its siblings).")
    )


class TouchPointRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CorridorLineSerializer(serializers.Serializer):
    touch_point = TouchPointRefSerializer()
    value = serializers.CharField(
        allow_null=True,
        help_text=_("The attribute's value; null on a touch point's total or where absent."),
    )
    is_total = serializers.BooleanField()
    cells = CorridorCellSerializer(many=True)


class CorridorStepSerializer(serializers.Serializer):
    touch_point = TouchPointRefSerializer(source="line.touch_point")
    period = serializers.DateField(source="cell.period")
    low_share = serializers.FloatField(source="cell.low_share")
    change = serializers.FloatField(
        source="cell.change.low_share",
        allow_null=True,
        help_text=_("Change of the share of low scores from the previous period."),
    )


class CorridorOutputSerializer(serializers.Serializer):
    since = serializers.DateField(source="scope.since")
    until = serializers.DateField(source="scope.until")
    period = serializers.CharField(source="scope.period")
    attribute = serializers.CharField(source="scope.attribute", allow_null=True)
    min_answers = serializers.IntegerField(
        help_text=_("Cells with fewer scored answers are never the weakest.")
    )
    periods = serializers.ListField(child=serializers.DateField())
    lines = CorridorLineSerializer(many=True)
    weakest_step = CorridorStepSerializer(
        allow_null=True, help_text=_("The latest period's weakest touch point.")
    )
    biggest_rise = CorridorStepSerializer(
        allow_null=True,
        help_text=_("Where the share of low scores rose most from one period to the next."),
    )


class CorridorRetrieveApi(APIView):
    """Touch points in corridor order, per period, over the caller's accounts."""

    permission_model = None  # an aggregate over the caller's visible accounts: every staff user

    @extend_schema(parameters=[CorridorInputSerializer], responses=CorridorOutputSerializer)
    def get(self, request):
        params = CorridorInputSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        return Response(CorridorOutputSerializer(params.corridor()).data)
