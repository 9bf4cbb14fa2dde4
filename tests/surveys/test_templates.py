import pytest

from surveys.constants import QuestionType, SurveyKind
from surveys.services.templates import SURVEY_TEMPLATES, survey_create_from_template
from tests.factories import TouchPointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", sorted(SURVEY_TEMPLATES))
def test_survey_create_from_template_copies_every_question(key):
    survey = survey_create_from_template(
        template=key, title=f"From {key}", touch_point=TouchPointFactory(code="repair")
    )
    spec = SURVEY_TEMPLATES[key]
    assert [q.type for q in survey.questions.all()] == [q.type for q in spec.questions]
    assert survey.kind == spec.kind


def test_relationship_template_carries_the_three_cx_items_and_choices():
    survey = survey_create_from_template(template="relationship_cx", title="Annual")
    types = set(survey.questions.values_list("type", flat=True))
    assert {QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION} <= types
    improve = survey.questions.get(type=QuestionType.MULTIPLE_CHOICE)
    assert improve.choices.count() == 6
    assert survey.kind == SurveyKind.RELATIONSHIP


def test_transaction_template_without_touch_point_is_rejected():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        survey_create_from_template(template="effort", title="No touch point")
