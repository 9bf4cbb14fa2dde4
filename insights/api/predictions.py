"""/api/v1/predictions/: the account teams' predictions of their accounts' scores per wave.

Reads are scoped to the accounts the caller sees; writes go through `insights.services`
(only the account's team, only until the wave closes)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from customers.api.filters import IdFilter
from customers.api.mixins import ScopedObjectMixin
from customers.models import Account

from .. import services
from ..constants import SatisfactionMetric
from ..models import Prediction
from ..selectors.matrix import relationship_waves
from ..selectors.predictions import prediction_list


class PredictionSerializer(serializers.ModelSerializer):
    """Account, wave and metric are fixed once recorded: a change of score is a PATCH."""

    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.none(), help_text=_("Id of one of your accounts.")
    )
    wave = serializers.PrimaryKeyRelatedField(
        queryset=relationship_waves(), help_text=_("Id of the relationship wave.")
    )
    score = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=-100,
        max_value=100,
        coerce_to_string=False,
        help_text=_("NPS from -100 to 100; CX index and CSAT from 0 to 100."),
    )

    class Meta:
        model = Prediction
        fields = [
            "id",
            "account",
            "wave",
            "metric",
            "score",
            "predicted_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "predicted_by", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # An account the caller does not see is reported as if it did not exist.
            fields["account"].queryset = Account.objects.visible_to(request.user)
        return fields

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            for name in ("account", "wave", "metric"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("Cannot change; record a new prediction instead.")]}
                    )
        return attrs


class PredictionFilterSet(django_filters.FilterSet):
    wave = IdFilter(field_name="wave_id")
    account = IdFilter(field_name="account_id")
    metric = django_filters.ChoiceFilter(choices=SatisfactionMetric.choices)

    class Meta:
        model = Prediction
        fields = ["wave", "account", "metric"]


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(
            {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        )
    return serializers.ValidationError([str(m) for m in error.messages])


class PredictionViewSet(ScopedObjectMixin, viewsets.ModelViewSet):
    """Predictions of the caller's accounts; the account's team records them before the
    wave closes."""

    unscoped_model = Prediction
    serializer_class = PredictionSerializer
    filterset_class = PredictionFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Prediction.objects.none()
        return prediction_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.prediction_create(
                account=data["account"],
                wave=data["wave"],
                metric=data.get("metric", SatisfactionMetric.NPS),
                score=data["score"],
                predicted_by=self.request.user,
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer):
        score = serializer.validated_data.get("score", serializer.instance.score)
        try:
            serializer.instance = services.prediction_update(
                prediction=serializer.instance, score=score, predicted_by=self.request.user
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_destroy(self, instance):
        try:
            services.prediction_delete(prediction=instance, user=self.request.user)
        except DjangoValidationError as error:
            raise _drf_error(error) from error
