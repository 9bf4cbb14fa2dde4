"""Read-only shapes of survey definitions and responses; the input shape of touch-point events."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.constants import Language
from customers.models import Account, TouchPoint, TouchPointEvent
from customers.selectors import account_lookup, contact_lookup, touch_point_lookup

from ..constants import CHOICE_TYPES, Driver, QuestionType, SkipReason
from ..models import Choice, Invitation, Question, Response, Survey


def enum_ref(component: str) -> dict:
    """Point a field at an enum component named elsewhere, so one choice set has one name.

    drf-spectacular names enums after the field; `Question.type` and `Answer.question_type`
    (and every `language`) share one choice set and must share one component.
    """
    return {"$ref": f"#/components/schemas/{component}"}


@extend_schema_field(enum_ref("QuestionTypeEnum"))
class QuestionTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=QuestionType.choices, **kwargs)


@extend_schema_field(enum_ref("LanguageEnum"))
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Language.choices, **kwargs)


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "position", "value", "label"]
        read_only_fields = fields


class ScaleSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()


class QuestionSerializer(serializers.ModelSerializer):
    scale = serializers.SerializerMethodField(
        help_text=_("Lowest and highest value of a scale question; null for other types.")
    )
    choices = ChoiceSerializer(many=True, read_only=True)
    type = QuestionTypeField(read_only=True)
    # Blank for questions that measure no driver: "" is a value of its own, outside the enum.
    driver = serializers.ChoiceField(choices=Driver.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "page",
            "type",
            "text",
            "required",
            "help_text",
            "driver",
            "scale",
            "min_label",
            "max_label",
            "choices",
        ]
        read_only_fields = fields

    @extend_schema_field(ScaleSerializer(allow_null=True))
    def get_scale(self, question: Question) -> dict | None:
        scale = question.scale
        return None if scale is None else {"min": scale[0], "max": scale[1]}


class SurveySerializer(serializers.ModelSerializer):
    # Relationship and pulse surveys have none.
    touch_point = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    questions = QuestionSerializer(many=True, read_only=True)
    default_language = LanguageField(read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "kind",
            "status",
            "touch_point",
            "title",
            "slug",
            "default_language",
            "languages",
            "questions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text=_("Question id."))
    question_id = serializers.IntegerField(help_text=_("Question id (same as `question`)."))
    question_type = serializers.ChoiceField(choices=QuestionType.choices)
    value = serializers.JSONField(
        help_text=_(
            "A number for scale questions, a choice value for single choice, a list of choice"
            " values for multiple choice, a string for free text."
        )
    )


class ResponseSerializer(serializers.ModelSerializer):
    # The survey's touch point; none for relationship and pulse surveys.
    touch_point = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    answers = serializers.SerializerMethodField()
    language = LanguageField(read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "account",
            "contact",
            "touch_point",
            "language",
            "submitted_at",
            "attributes",
            "answers",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, response: Response) -> list[dict]:
        # Reads the prefetched rows only (surveys.selectors.responses.response_list); the rows
        # of one multiple-choice question become one answer with a list of values.
        answers: dict[int, dict] = {}
        for answer in response.answers.all():
            if answer.question_type == QuestionType.MULTIPLE_CHOICE:
                item = answers.setdefault(
                    answer.question_id,
                    {
                        "question": answer.question_id,
                        "question_id": answer.question_id,
                        "question_type": answer.question_type,
                        "value": [],
                    },
                )
                if answer.choice is not None:
                    item["value"].append(answer.choice.value)
                continue
            if answer.question_type in CHOICE_TYPES:
                value = answer.choice.value if answer.choice is not None else None
            elif answer.question_type == QuestionType.TEXT:
                value = answer.text
            else:
                value = answer.number
            answers[answer.question_id] = {
                "question": answer.question_id,
                "question_id": answer.question_id,
                "question_type": answer.question_type,
                "value": value,
            }
        return list(answers.values())


# ------------------------------------------------------------------ touch-point events


class EventInputSerializer(serializers.Serializer):
    """One completed transaction. Only these fields are read; anything else (status, survey,
    created_at...) is ignored, and the account must be one the caller may see."""

    contact = serializers.CharField(
        max_length=254, help_text=_("Email or id of a contact of the account.")
    )
    account = serializers.CharField(
        max_length=100, help_text=_("External id (or id) of one of your accounts.")
    )
    touch_point = serializers.SlugField(max_length=40, help_text=_("Touch-point code (or id)."))
    external_id = serializers.CharField(
        max_length=120, help_text=_("The transaction's id in the source system; replays are safe.")
    )
    occurred_at = serializers.DateTimeField(help_text=_("When the transaction was completed."))
    attributes = serializers.JSONField(
        required=False,
        default=dict,
        help_text=_(
            "Facts to cut results by (order_number, technician, channel...): a JSON object of"
            " at most 50 keys, 3 levels and 8 KB."
        ),
    )

    def validate_attributes(self, value):
        from ..services.events import event_attributes_clean

        try:
            return event_attributes_clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_account(self, value: str) -> Account:
        user = self.context["request"].user
        cache = self.context.setdefault("accounts", {})
        if value not in cache:
            cache[value] = account_lookup(key=value, user=user, reporting_events=True)
        if cache[value] is None:
            raise serializers.ValidationError(_("Unknown account."))
        return cache[value]

    def validate_touch_point(self, value: str) -> TouchPoint:
        cache = self.context.setdefault("touch_points", {})
        if value not in cache:
            cache[value] = touch_point_lookup(key=value, active_only=True)
        if cache[value] is None:
            raise serializers.ValidationError(_("Unknown touch point."))
        return cache[value]

    def validate(self, attrs: dict) -> dict:
        contact = contact_lookup(account=attrs["account"], key=attrs["contact"])
        if contact is None:
            raise serializers.ValidationError({"contact": [_("Unknown contact.")]})
        attrs["contact"] = contact
        return attrs


class EventInvitationSerializer(serializers.ModelSerializer):
    # Declared: a derived read-only field would lose the blank of an invitation not skipped.
    skip_reason = serializers.ChoiceField(
        choices=SkipReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Invitation
        fields = ["id", "survey", "status", "skip_reason", "send_after", "sent_at"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    touch_point = serializers.SlugRelatedField(slug_field="code", read_only=True)
    invitations = EventInvitationSerializer(many=True, read_only=True)

    class Meta:
        model = TouchPointEvent
        fields = [
            "id",
            "external_id",
            "account",
            "contact",
            "touch_point",
            "occurred_at",
            "attributes",
            "received_at",
            "invitations",
        ]
        read_only_fields = fields


class EventBatchInputSerializer(serializers.Serializer):
    """Schema only: the view validates each row on its own and reports per row."""

    events = EventInputSerializer(many=True, help_text=_("At most 1,000 events."))


class EventBatchRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the row in `events`, from 0."))
    status = serializers.ChoiceField(choices=["created", "duplicate", "error"])
    id = serializers.IntegerField(allow_null=True, help_text=_("The stored event's id."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per field of a row with status error."),
    )


class EventBatchOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = serializers.IntegerField()
    results = EventBatchRowSerializer(many=True)
