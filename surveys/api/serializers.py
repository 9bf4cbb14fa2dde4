"""Read-only shapes of survey definitions and responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.constants import Language

from ..constants import CHOICE_TYPES, QuestionType
from ..models import Choice, Question, Response, Survey


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
    touch_point = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
    question_type = serializers.ChoiceField(choices=QuestionType.choices)
    value = serializers.JSONField(
        help_text=_(
            "A number for scale questions, a choice value for single choice, a list of choice"
            " values for multiple choice, a string for free text."
        )
    )


class ResponseSerializer(serializers.ModelSerializer):
    touch_point = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
                "question_type": answer.question_type,
                "value": value,
            }
        return list(answers.values())
