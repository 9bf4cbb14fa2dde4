from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.selectors import MAX_ID, account_lookup, touch_point_lookup
from surveys.models import Survey

from ..selectors.aggregates import ResultFilter, result_filter_for


class MetricsInputSerializer(serializers.Serializer):
    """Query parameters of the metrics endpoint; anything else in the query string is ignored."""

    survey = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Survey id.")
    )
    touch_point = serializers.CharField(
        required=False, max_length=40, help_text=_("Touch-point code (or id).")
    )
    account = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Id of one of your accounts.")
    )
    since = serializers.DateField(
        required=False, help_text=_("Submitted on or after this day (YYYY-MM-DD).")
    )
    until = serializers.DateField(
        required=False, help_text=_("Submitted on or before this day, inclusive.")
    )

    def validate_survey(self, value: int) -> int:
        if not Survey.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("Unknown survey."))
        return value

    def validate_touch_point(self, value: str) -> int:
        touch_point = touch_point_lookup(key=value)
        if touch_point is None:
            raise serializers.ValidationError(_("Unknown touch point."))
        return touch_point.pk

    def validate_account(self, value: int) -> int:
        # An account the caller may not see is reported exactly like one that does not exist.
        account = account_lookup(key=value, user=self.context["request"].user)
        if account is None:
            raise serializers.ValidationError(_("Unknown account."))
        return account.pk

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"since": [_("Must not be after until.")]})
        return attrs

    def to_result_filter(self) -> ResultFilter:
        data = self.validated_data
        return result_filter_for(
            self.context["request"].user,
            survey_id=data.get("survey"),
            touch_point_id=data.get("touch_point"),
            account_id=data.get("account"),
            since=data.get("since"),
            until=data.get("until"),
        )


class MetricsOutputSerializer(serializers.Serializer):
    nps = serializers.FloatField(allow_null=True, help_text=_("Net Promoter Score, -100..100."))
    csat = serializers.FloatField(allow_null=True, help_text=_("Percent of 4-5 on 1-5 ratings."))
    csat_mean = serializers.FloatField(allow_null=True, help_text=_("Mean of 1-5 ratings."))
    ces = serializers.FloatField(allow_null=True, help_text=_("Mean customer effort, 1-7."))
    cx_index = serializers.FloatField(allow_null=True, help_text=_("CX index, 0..100."))
    n = serializers.IntegerField(help_text=_("Completed responses."))
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    nps_n = serializers.IntegerField()
    csat_n = serializers.IntegerField()
    ces_n = serializers.IntegerField()
    cx_n = serializers.IntegerField()
