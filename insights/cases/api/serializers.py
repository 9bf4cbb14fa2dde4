"""Shapes of cases and alert rules in the API; the rules live in the services."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.api.serializers import CodeRelatedField
from customers.constants import Language
from customers.models import TouchPoint
from surveys.constants import Quadrant, SurveyKind
from surveys.models import Question, Survey

from ..constants import (
    CaseState,
    ConditionKind,
    MatchMode,
    NumberOperator,
    Priority,
    RootCause,
    RouteTarget,
    ScoreTarget,
    TextOperator,
)
from ..models import AlertCondition, AlertRule, Case, CaseEvent, CaseReply, ReplyTemplate

MAX_CONDITIONS = 50


def _staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True)


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.get_username", default=None, allow_null=True, read_only=True
    )
    # Declared, not derived: a read-only ModelSerializer field drops allow_blank, and the
    # schema would then deny the "" of an event that is not a transition.
    from_state = serializers.ChoiceField(
        choices=CaseState.choices, allow_blank=True, read_only=True
    )
    to_state = serializers.ChoiceField(choices=CaseState.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "actor", "from_state", "to_state", "note", "data", "created_at"]
        read_only_fields = fields


class CaseReplySerializer(serializers.ModelSerializer):
    sent_by = serializers.CharField(
        source="sent_by.get_username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = CaseReply
        fields = ["id", "sent_by", "to_email", "language", "subject", "body", "status", "sent_at"]
        read_only_fields = fields


class AnswerLineSerializer(serializers.Serializer):
    question = serializers.CharField()
    question_type = serializers.CharField()
    value = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    account_name = serializers.CharField(
        source="account.name", default=None, allow_null=True, read_only=True
    )
    contact_name = serializers.CharField(
        source="contact.name", default=None, allow_null=True, read_only=True
    )
    touch_point_code = serializers.CharField(
        source="touch_point.code", default=None, allow_null=True, read_only=True
    )
    owner_username = serializers.CharField(
        source="owner.get_username", default=None, allow_null=True, read_only=True
    )
    team_name = serializers.CharField(
        source="team.name", default=None, allow_null=True, read_only=True
    )
    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    root_cause = serializers.ChoiceField(
        choices=RootCause.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Case
        fields = [
            "id", "reference", "state", "priority", "rule", "rule_name", "response",
            "account", "account_name", "contact", "contact_name", "touch_point",
            "touch_point_code", "owner", "owner_username", "team", "team_name", "escalated_to",
            "routing_note", "opened_at", "due_at", "resolve_due_at", "next_due_at", "is_overdue",
            "acknowledged_at", "resolved_at", "closed_at", "escalated_at", "root_cause",
            "customer_contacted",
        ]  # fmt: skip
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    answers = AnswerLineSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    replies = CaseReplySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "answers", "events", "replies"]
        read_only_fields = fields


class CaseUpdateInputSerializer(serializers.Serializer):
    """PATCH: a new state (with a note; closing needs root_cause and customer_contacted),
    a new owner and/or team, or a note alone."""

    state = serializers.ChoiceField(choices=CaseState.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    root_cause = serializers.ChoiceField(choices=RootCause.choices, required=False)
    customer_contacted = serializers.BooleanField(required=False, allow_null=True, default=None)
    owner = serializers.PrimaryKeyRelatedField(queryset=_staff(), required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs):
        if not ({"state", "owner", "team"} & set(attrs)) and not attrs.get("note"):
            raise serializers.ValidationError(_("Send a state, an owner or team, or a note."))
        return attrs


class ConditionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ConditionKind.choices)
    survey = serializers.PrimaryKeyRelatedField(
        queryset=Survey.objects.all(), required=False, allow_null=True
    )
    # KindEnum by ENUM_NAME_OVERRIDES, with the blank of "any kind" beside it.
    survey_kind = serializers.ChoiceField(
        choices=SurveyKind.choices, required=False, allow_blank=True
    )
    touch_point = CodeRelatedField(
        slug_field="code", queryset=TouchPoint.objects.all(), required=False, allow_null=True
    )
    question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(), required=False, allow_null=True
    )
    score_target = serializers.ChoiceField(
        choices=ScoreTarget.choices, required=False, allow_blank=True
    )
    number_operator = serializers.ChoiceField(
        choices=NumberOperator.choices, required=False, allow_blank=True
    )
    text_operator = serializers.ChoiceField(
        choices=TextOperator.choices, required=False, allow_blank=True
    )
    quadrants = serializers.ListField(
        child=serializers.ChoiceField(choices=Quadrant.choices), required=False, max_length=4
    )

    class Meta:
        model = AlertCondition
        fields = [
            "id", "kind", "survey", "survey_kind", "touch_point", "question", "score_target",
            "number_operator", "number", "choice_value", "attribute", "text_operator", "text",
            "quadrants", "amount",
        ]  # fmt: skip
        read_only_fields = ["id"]


class ReplyTemplateSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(choices=Language.choices)

    class Meta:
        model = ReplyTemplate
        fields = ["language", "subject", "body"]


class AlertRuleSerializer(serializers.ModelSerializer):
    match = serializers.ChoiceField(choices=MatchMode.choices, default=MatchMode.ALL)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    route_to = serializers.ChoiceField(choices=RouteTarget.choices)
    override_route_to = serializers.ChoiceField(
        choices=RouteTarget.choices, required=False, allow_blank=True
    )
    override_quadrants = serializers.ListField(
        child=serializers.ChoiceField(choices=Quadrant.choices), required=False, max_length=4
    )
    route_user = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    override_user = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    fallback_user = serializers.PrimaryKeyRelatedField(
        queryset=_staff(), required=False, allow_null=True
    )
    route_team = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    override_team = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    conditions = ConditionSerializer(many=True, max_length=MAX_CONDITIONS)
    reply_templates = ReplyTemplateSerializer(many=True, required=False, max_length=4)

    class Meta:
        model = AlertRule
        fields = [
            "id", "name", "description", "is_active", "match", "priority", "sla_hours",
            "resolve_hours", "route_to", "route_user", "route_team", "override_quadrants",
            "override_billed_above", "override_route_to", "override_user", "override_team",
            "fallback_user", "conditions", "reply_templates", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def create(self, validated_data):
        raise NotImplementedError("AlertRuleCreateApi calls services.alert_rule_create")


class DryRunSerializer(serializers.Serializer):
    matches = serializers.IntegerField(help_text=_("Completed responses the rule matches."))
    with_case = serializers.IntegerField(help_text=_("Of which already have this rule's case."))
    would_open = serializers.IntegerField(help_text=_("Cases a backfill would open now."))


class DryRunInputSerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
