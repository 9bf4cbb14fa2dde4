"""`survey_questions` caches rows per process, keyed by `Survey.updated_at`: every way of
changing questions or choices must move `updated_at`, so that other processes (whose cache
entry the receivers cannot drop) read the new questions on their next request."""

import pytest
from django.test import Client
from django.urls import reverse

from surveys.constants import QuestionType
from surveys.models import Choice, Question, Response, Survey
from surveys.receivers import survey_touch
from surveys.selectors import questions
from surveys.selectors.questions import survey_questions
from tests.factories import ChoiceFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory()
    QuestionFactory(survey=survey, type=QuestionType.NPS, text="How likely?")
    single = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, required=False)
    ChoiceFactory(question=single, value="yes", label="Yes")
    return survey


def _fresh(survey) -> Survey:
    return Survey.objects.get(pk=survey.pk)


def _as_other_process(change):
    """Run `change` while keeping this process's cache entry, as another process would."""
    saved = dict(questions._QUESTION_CACHE)
    change()
    questions._QUESTION_CACHE.update(saved)


def test_cache_hit_makes_no_queries_and_gives_fresh_instances(survey, django_assert_num_queries):
    first = survey_questions(survey=_fresh(survey))
    fresh = _fresh(survey)
    with django_assert_num_queries(0):
        again = survey_questions(survey=fresh)
        assert [q.pk for q in again] == [q.pk for q in first]
        assert [c.value for c in again[1].choices.all()] == ["yes"]
        assert again[1].choices.all()[0].question is again[1]
    assert again[0] is not first[0]
    again[0].text = "changed in memory"
    assert survey_questions(survey=fresh)[0].text == "How likely?"


@pytest.mark.parametrize(
    "change",
    [
        "question_saved",
        "question_added",
        "question_deleted",
        "choice_saved",
        "choice_added",
        "choice_deleted",
        "bulk_with_touch",
    ],
)
def test_every_change_moves_updated_at(survey, change):
    before = _fresh(survey)
    survey_questions(survey=before)
    question = Question.objects.get(survey=survey, type=QuestionType.SINGLE_CHOICE)

    def apply():
        if change == "question_saved":
            question.text = "Edited"
            question.save()
        elif change == "question_added":
            QuestionFactory(survey=survey, type=QuestionType.TEXT, required=False)
        elif change == "question_deleted":
            question.delete()
        elif change == "choice_saved":
            choice = Choice.objects.get(question=question)
            choice.label = "Edited"
            choice.save()
        elif change == "choice_added":
            Choice.objects.create(question=question, position=9, value="no", label="No")
        elif change == "choice_deleted":
            Choice.objects.filter(question=question).delete()
        else:
            Question.objects.filter(pk=question.pk).update(text="Edited")
            Choice.objects.bulk_create([Choice(question=question, position=9, value="no")])
            survey_touch(survey.pk)

    _as_other_process(apply)
    after = _fresh(survey)
    assert after.updated_at > before.updated_at
    expected = [
        (q.pk, q.text, [c.label for c in q.choices.order_by("position", "id")])
        for q in Question.objects.filter(survey=survey).order_by("page", "position", "id")
    ]
    got = [
        (q.pk, q.text, [c.label for c in q.choices.all()]) for q in survey_questions(survey=after)
    ]
    assert got == expected


def test_edited_question_is_seen_by_the_next_submit(survey, client: Client):
    nps = Question.objects.get(survey=survey, type=QuestionType.NPS)
    first, second = InvitationFactory(survey=survey), InvitationFactory(survey=survey)
    assert (
        client.post(
            reverse("surveys:respond", args=[first.token]), {f"q_{nps.pk}": "9"}
        ).status_code
        == 200
    )

    def make_required_text():
        QuestionFactory(survey=survey, type=QuestionType.TEXT, required=True)

    _as_other_process(make_required_text)
    refused = client.post(reverse("surveys:respond", args=[second.token]), {f"q_{nps.pk}": "9"})
    assert refused.status_code == 200  # the form again, with the new required question
    assert not Response.objects.filter(invitation=second).exists()
