import pytest
from django.core.exceptions import ValidationError

from surveys.constants import ConditionOperator, QuestionType
from surveys.logic import (
    logic_errors,
    question_is_shown,
    renderable_questions,
    resume_page,
    survey_logic_validate,
    visible_pages,
    visible_questions,
)
from surveys.models import Answer, Response
from surveys.selectors.questions import survey_questions
from surveys.services.answers import answers_clean
from surveys.services.responses import response_submit
from tests.factories import ChoiceFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LTE, EQ, NE, LT, GT, ANSWERED = (
    ConditionOperator.LTE,
    ConditionOperator.EQ,
    ConditionOperator.NE,
    ConditionOperator.LT,
    ConditionOperator.GT,
    ConditionOperator.ANSWERED,
)


@pytest.fixture
def survey():
    """Page 1: NPS, resolved? (yes/no). Page 2: what went wrong (NPS <= 6), why not (no)."""
    survey = SurveyFactory()
    nps = QuestionFactory(survey=survey, page=1, position=1, type=QuestionType.NPS)
    resolved = QuestionFactory(survey=survey, page=1, position=2, type=QuestionType.SINGLE_CHOICE)
    ChoiceFactory(question=resolved, value="yes")
    ChoiceFactory(question=resolved, value="no")
    QuestionFactory(
        survey=survey,
        page=2,
        position=1,
        type=QuestionType.TEXT,
        text="What went wrong?",
        condition_question=nps,
        condition_operator=LTE,
        condition_value="6",
    )
    QuestionFactory(
        survey=survey,
        page=2,
        position=2,
        type=QuestionType.TEXT,
        text="Why not resolved?",
        condition_question=resolved,
        condition_operator=EQ,
        condition_value="no",
    )
    return survey


def _q(survey, text_or_type):
    for question in survey_questions(survey=survey):
        if text_or_type in (question.text, question.type):
            return question
    raise LookupError(text_or_type)


def _dependent(operator, value, *, on_type=QuestionType.NPS, **kwargs):
    source = QuestionFactory.build(pk=1, type=on_type, page=1, position=1)
    return source, QuestionFactory.build(
        pk=2,
        page=1,
        position=2,
        condition_question=source,
        condition_operator=operator,
        condition_value=value,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("operator", "value", "answer", "shown"),
    [
        (LTE, "6", 6, True),
        (LTE, "6", 7, False),
        (LTE, "6", "3", True),  # posted strings compare as numbers
        (LT, "6", 6, False),
        (GT, "8", 9, True),
        (EQ, "10", 10, True),
        (NE, "10", 10, False),
        (NE, "10", None, False),  # unanswered meets no condition
        (ANSWERED, "", 0, True),
        (ANSWERED, "", None, False),
        (LTE, "6", "garbage", False),
    ],
)
def test_question_is_shown_compares_scale_answers(operator, value, answer, shown):
    source, dependent = _dependent(operator, value)

    assert question_is_shown(dependent, {source.pk: answer}) is shown


def test_choice_conditions_compare_values_and_multiple_choice_means_includes():
    single, on_single = _dependent(EQ, "no", on_type=QuestionType.SINGLE_CHOICE)
    multiple, on_multiple = _dependent(NE, "price", on_type=QuestionType.MULTIPLE_CHOICE)

    assert question_is_shown(on_single, {single.pk: "no"})
    assert not question_is_shown(on_single, {single.pk: "yes"})
    assert question_is_shown(on_multiple, {multiple.pk: ["speed"]})
    assert not question_is_shown(on_multiple, {multiple.pk: ["speed", "price"]})


def test_a_question_without_condition_is_always_shown():
    assert question_is_shown(QuestionFactory.build(pk=5), {})


def test_visible_questions_skips_and_cascades(survey):
    questions = survey_questions(survey=survey)
    nps = _q(survey, QuestionType.NPS)
    wrong = _q(survey, "What went wrong?")
    chained = QuestionFactory(
        survey=survey,
        page=3,
        type=QuestionType.TEXT,
        condition_question=wrong,
        condition_operator=ANSWERED,
    )
    questions = survey_questions(survey=survey)

    promoter = visible_questions(questions, {nps.pk: 9, wrong.pk: "stale text"})
    detractor = visible_questions(questions, {nps.pk: 2, wrong.pk: "late"})

    assert wrong not in promoter and chained not in promoter  # the stale answer does not count
    assert wrong in detractor and chained in detractor


def test_a_page_whose_questions_are_all_skipped_is_skipped(survey):
    questions = survey_questions(survey=survey)
    nps, resolved = _q(survey, QuestionType.NPS), _q(survey, QuestionType.SINGLE_CHOICE)

    assert visible_pages(questions, {nps.pk: 10, resolved.pk: "yes"}) == [1]
    assert visible_pages(questions, {nps.pk: 10, resolved.pk: "no"}) == [1, 2]
    assert visible_pages(questions, {nps.pk: 3, resolved.pk: "yes"}) == [1, 2]


def test_resume_page_is_the_first_with_an_unanswered_required_shown_question(survey):
    questions = survey_questions(survey=survey)
    nps, resolved = _q(survey, QuestionType.NPS), _q(survey, QuestionType.SINGLE_CHOICE)

    assert resume_page(questions, {}) == 1
    assert resume_page(questions, {nps.pk: 3}) == 1
    assert resume_page(questions, {nps.pk: 3, resolved.pk: "yes"}) == 2
    assert resume_page(questions, {nps.pk: 9, resolved.pk: "yes"}) == 1  # all done: last page


def test_same_page_conditions_are_rendered_for_the_browser_to_decide(survey):
    nps = _q(survey, QuestionType.NPS)
    follow_up = QuestionFactory(
        survey=survey,
        page=1,
        position=3,
        type=QuestionType.TEXT,
        condition_question=nps,
        condition_operator=LTE,
        condition_value="6",
    )
    questions = survey_questions(survey=survey)

    page_one = renderable_questions(questions, {nps.pk: 10}, page=1)
    page_two = renderable_questions(questions, {nps.pk: 10}, page=2)

    assert follow_up in page_one
    assert _q(survey, "What went wrong?") not in page_two  # decided by an earlier page


def test_logic_errors_accepts_a_sound_survey(survey):
    assert logic_errors(survey_questions(survey=survey)) == []
    survey_logic_validate(survey=survey)


def test_logic_errors_rejects_a_reference_to_a_later_question(survey):
    nps = _q(survey, QuestionType.NPS)
    wrong = _q(survey, "What went wrong?")
    nps.condition_question, nps.condition_operator = wrong, ANSWERED
    nps.save()

    errors = logic_errors(survey_questions(survey=survey))

    assert len(errors) == 1
    assert "earlier question" in errors[0]


def test_logic_errors_rejects_a_later_question_on_the_same_page(survey):
    nps = _q(survey, QuestionType.NPS)
    resolved = _q(survey, QuestionType.SINGLE_CHOICE)
    nps.condition_question, nps.condition_operator, nps.condition_value = resolved, EQ, "yes"
    nps.save()

    assert any("earlier question" in e for e in logic_errors(survey_questions(survey=survey)))


def test_logic_errors_rejects_questions_of_another_survey_and_itself(survey):
    nps = _q(survey, QuestionType.NPS)
    nps.condition_question = QuestionFactory()  # another survey's question
    nps.condition_operator = ANSWERED
    nps.save()
    resolved = _q(survey, QuestionType.SINGLE_CHOICE)
    resolved.condition_question, resolved.condition_operator = resolved, ANSWERED
    resolved.save()

    errors = logic_errors(survey_questions(survey=survey))

    assert any("not in this survey" in e for e in errors)
    assert any("cannot depend on itself" in e for e in errors)


def test_logic_errors_names_a_loop(survey):
    nps = _q(survey, QuestionType.NPS)
    wrong = _q(survey, "What went wrong?")
    nps.condition_question, nps.condition_operator = wrong, ANSWERED
    nps.save()  # nps -> wrong -> nps

    errors = logic_errors(survey_questions(survey=survey))

    assert any("loop" in e for e in errors)


@pytest.mark.parametrize(
    ("source_type", "operator", "value", "message"),
    [
        (QuestionType.SINGLE_CHOICE, LT, "yes", "does not fit"),
        (QuestionType.TEXT, EQ, "late", "does not fit"),
        (QuestionType.NPS, LTE, "11", "from 0 to 10"),
        (QuestionType.NPS, LTE, "six", "from 0 to 10"),
        (QuestionType.SINGLE_CHOICE, EQ, "maybe", "choice values"),
        (QuestionType.NPS, "", "", "choose a condition"),
    ],
)
def test_logic_errors_rejects_operators_and_values_that_do_not_fit(
    source_type, operator, value, message
):
    survey = SurveyFactory()
    source = QuestionFactory(survey=survey, page=1, type=source_type)
    ChoiceFactory(question=source, value="yes")
    QuestionFactory(
        survey=survey,
        page=2,
        condition_question=source,
        condition_operator=operator,
        condition_value=value,
    )

    errors = logic_errors(survey_questions(survey=survey))

    assert len(errors) == 1 and message in errors[0]
    with pytest.raises(ValidationError):
        survey_logic_validate(survey=survey)


def test_question_clean_rejects_a_forward_reference_for_the_admin(survey):
    nps = _q(survey, QuestionType.NPS)
    nps.condition_question = _q(survey, "What went wrong?")
    nps.condition_operator = ANSWERED

    with pytest.raises(ValidationError) as error:
        nps.full_clean()

    assert "earlier question" in str(error.value)


def test_question_clean_rejects_moving_a_question_below_its_dependent(survey):
    nps = _q(survey, QuestionType.NPS)
    nps.page = 3  # "what went wrong?" on page 2 depends on it

    with pytest.raises(ValidationError):
        nps.full_clean()


def test_question_clean_accepts_a_sound_new_question(survey):
    question = QuestionFactory.build(
        survey=survey,
        page=3,
        type=QuestionType.TEXT,
        condition_question=_q(survey, QuestionType.NPS),
        condition_operator=GT,
        condition_value="8",
    )

    question.full_clean()


def test_the_server_ignores_an_answer_to_a_skipped_question(survey):
    invitation = InvitationFactory(survey=survey)
    nps, resolved = _q(survey, QuestionType.NPS), _q(survey, QuestionType.SINGLE_CHOICE)
    wrong = _q(survey, "What went wrong?")

    response = response_submit(
        invitation=invitation,
        answers={nps.pk: 10, resolved.pk: "yes", wrong.pk: "posted anyway"},
        language="en",
    )

    assert not Answer.objects.filter(response=response, question=wrong).exists()
    assert response.answers.count() == 2


def test_a_shown_required_question_must_be_answered(survey):
    invitation = InvitationFactory(survey=survey)
    nps, resolved = _q(survey, QuestionType.NPS), _q(survey, QuestionType.SINGLE_CHOICE)
    wrong = _q(survey, "What went wrong?")

    with pytest.raises(ValidationError) as error:
        response_submit(
            invitation=invitation, answers={nps.pk: 4, resolved.pk: "yes"}, language="en"
        )

    assert list(error.value.message_dict) == [f"q_{wrong.pk}"]
    assert not Response.objects.exists()


def test_a_skipped_question_is_not_validated(survey):
    nps, resolved = _q(survey, QuestionType.NPS), _q(survey, QuestionType.SINGLE_CHOICE)
    wrong = _q(survey, "What went wrong?")

    rows = answers_clean(
        questions=survey_questions(survey=survey),
        answers={nps.pk: 9, resolved.pk: "yes", wrong.pk: 12345},
    )

    assert [question for question, _columns in rows] == [nps, resolved]
