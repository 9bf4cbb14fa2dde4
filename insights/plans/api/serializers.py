"""Shapes of /api/v1/action-plans/: explicit fields, no business rules (those are the
services'); what the server decides (status, version, evidence) is read-only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.api.serializers import CodeRelatedField
from customers.constants import Language
from customers.models import Account, TouchPoint
from surveys.constants import Driver
from surveys.models import Wave

from ..constants import ActionStatus, OwnerSide, PlanStatus


class ActionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner_side = serializers.ChoiceField(choices=OwnerSide.choices)
    owner = serializers.IntegerField(source="owner_user_id", allow_null=True)
    owner_name = serializers.CharField(source="owner_display")
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    touch_point = serializers.CharField(source="touch_point.code", allow_null=True)
    theme = serializers.CharField()
    target = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class FindingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    touch_point = serializers.CharField(source="touch_point.code", allow_null=True)
    theme = serializers.CharField()


class PlanOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.IntegerField(source="account_id")
    account_name = serializers.CharField(source="account.name")
    wave = serializers.IntegerField(source="wave_id", allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    title = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    findings = FindingOutputSerializer(many=True)
    actions = ActionOutputSerializer(many=True)


class ActionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner_side = serializers.ChoiceField(choices=OwnerSide.choices, default=OwnerSide.OURS)
    owner_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    touch_point = CodeRelatedField(
        slug_field="code", queryset=TouchPoint.objects.all(), required=False, allow_null=True
    )
    theme = serializers.ChoiceField(choices=Driver.choices, required=False, allow_blank=True)
    target = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FindingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    touch_point = CodeRelatedField(
        slug_field="code", queryset=TouchPoint.objects.all(), required=False, allow_null=True
    )
    theme = serializers.ChoiceField(choices=Driver.choices, required=False, allow_blank=True)


class PlanInputSerializer(serializers.Serializer):
    """A new plan; the account must be one the caller may see (else 400, as if unknown)."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    wave = serializers.PrimaryKeyRelatedField(
        queryset=Wave.objects.filter(distribution__isnull=False), required=False, allow_null=True
    )
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    findings = FindingInputSerializer(many=True, required=False, max_length=50)
    actions = ActionInputSerializer(many=True, required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = Account.objects.visible_to(request.user)

    def validate(self, attrs):
        if not attrs.get("wave") and not (attrs.get("period_start") and attrs.get("period_end")):
            raise serializers.ValidationError(_("Give a relationship wave or a period."))
        return attrs


class PlanFilterSerializer(serializers.Serializer):
    account = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
