"""The metric formulas, checked on hand-computed data and on published figures."""

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import timezone

from insights import metrics
from insights.selectors import ResultFilter, metric_summary
from surveys.constants import QuestionType, ResponseStatus
from surveys.models import Answer, Response
from tests.factories import (
    AccountFactory,
    AnswerFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
)

pytestmark = pytest.mark.django_db


def answer(question, number=None, *, response=None, **response_kwargs):
    """One submitted answer to `question`, in a new response unless one is given."""
    response = response or ResponseFactory(survey=question.survey, **response_kwargs)
    return AnswerFactory(response=response, question=question, number=number)


def answers(question, numbers, **response_kwargs):
    return [answer(question, n, **response_kwargs) for n in numbers]


@pytest.fixture
def survey():
    return SurveyFactory()


@pytest.fixture
def nps_question(survey):
    return QuestionFactory(survey=survey, type=QuestionType.NPS)


# ------------------------------------------------------------------ pure formulas


def test_nps_formula_is_percent_promoters_minus_percent_detractors():
    assert metrics.nps(3, 2, 5) == -20.0
    assert metrics.nps(0, 4, 0) == 0.0
    assert metrics.nps(0, 0, 0) is None


def test_cx_index_formula_maps_the_item_mean_onto_0_to_100():
    assert metrics.cx_index(5) == 100.0
    assert metrics.cx_index(1) == 0.0
    assert metrics.cx_index(3) == 50.0
    assert metrics.cx_index(None) is None


def test_response_rate_formula_is_completed_per_sent():
    assert metrics.response_rate(1, 4) == 25.0
    assert metrics.response_rate(0, 0) is None


# ------------------------------------------------------------------ NPS


def test_nps_of_three_promoters_two_passives_five_detractors_is_minus_20(survey, nps_question):
    answers(nps_question, [9, 10, 9, 7, 8, 0, 3, 6, 6, 1])

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.nps == -20.0
    assert (summary.promoters, summary.passives, summary.detractors) == (3, 2, 5)
    assert summary.nps_n == 10
    assert summary.n == 10


def test_nps_of_only_passives_is_zero(survey, nps_question):
    answers(nps_question, [7, 8, 7])

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.nps == 0.0
    assert summary.passives == 3


def test_no_responses_give_none_for_every_metric_and_n_zero(survey):
    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.n == 0
    assert summary.nps is None
    assert summary.csat is None
    assert summary.csat_mean is None
    assert summary.ces is None
    assert summary.cx_index is None
    assert summary.nps_n == summary.csat_n == summary.ces_n == summary.cx_n == 0


# ------------------------------------------------------------------ CSAT, CES, CX index


def test_csat_is_the_share_of_4_and_5_and_its_mean(survey):
    rating = QuestionFactory(survey=survey, type=QuestionType.RATING, scale_min=1, scale_max=5)
    answers(rating, [5, 4, 3, 2, 5])

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.csat == 60.0
    assert summary.csat_mean == 3.8
    assert summary.csat_n == 5


def test_csat_with_default_scale_counts_as_1_to_5(survey):
    rating = QuestionFactory(survey=survey, type=QuestionType.RATING)
    answers(rating, [4, 1])

    assert metric_summary(ResultFilter(survey_id=survey.pk)).csat == 50.0


def test_csat_ignores_rating_questions_on_other_scales(survey):
    csat_question = QuestionFactory(survey=survey, type=QuestionType.RATING)
    ten_point = QuestionFactory(survey=survey, type=QuestionType.RATING, scale_min=1, scale_max=10)
    zero_based = QuestionFactory(survey=survey, type=QuestionType.RATING, scale_min=0, scale_max=5)
    response = ResponseFactory(survey=survey)
    answer(csat_question, 2, response=response)
    answer(ten_point, 10, response=response)
    answer(zero_based, 5, response=response)

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.csat_n == 1
    assert summary.csat == 0.0
    assert summary.csat_mean == 2.0


def test_ces_is_the_mean_effort(survey):
    effort = QuestionFactory(survey=survey, type=QuestionType.EFFORT)
    answers(effort, [7, 6, 2])

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.ces == 5.0
    assert summary.ces_n == 3


def _cx_questions(survey):
    return [
        QuestionFactory(survey=survey, type=t)
        for t in (QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION)
    ]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([5, 5, 5], 100.0), ([1, 1, 1], 0.0), ([5, 3, 4], 75.0), ([2, 3, 2], 33.3)],
)
def test_cx_index_scales_the_mean_of_the_three_items(survey, scores, expected):
    response = ResponseFactory(survey=survey)
    for question, score in zip(_cx_questions(survey), scores, strict=True):
        answer(question, score, response=response)

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.cx_index == expected
    assert summary.cx_n == 3


# ------------------------------------------------------------------ filters


def test_metric_summary_filters_by_survey(nps_question):
    other = QuestionFactory(type=QuestionType.NPS)
    answers(nps_question, [10])
    answers(other, [0, 0])

    summary = metric_summary(ResultFilter(survey_id=nps_question.survey_id))

    assert (summary.nps, summary.n) == (100.0, 1)


def test_metric_summary_filters_by_account(survey, nps_question):
    mine, theirs = AccountFactory(), AccountFactory()
    answers(nps_question, [10, 9], contact=ContactFactory(account=mine))
    answers(nps_question, [0], contact=ContactFactory(account=theirs))

    summary = metric_summary(ResultFilter(account_id=mine.pk))

    assert (summary.nps, summary.n) == (100.0, 2)
    scoped = metric_summary(ResultFilter(account_ids=frozenset({theirs.pk})))
    assert (scoped.nps, scoped.n) == (-100.0, 1)


def test_metric_summary_filters_by_touch_point():
    repair, install = TouchPointFactory(code="repair"), TouchPointFactory(code="install")
    repair_q = QuestionFactory(survey=SurveyFactory(transaction=True, touch_point=repair))
    install_q = QuestionFactory(survey=SurveyFactory(transaction=True, touch_point=install))
    answers(repair_q, [0, 6])
    answers(install_q, [10])

    summary = metric_summary(ResultFilter(touch_point_id=repair.pk))

    assert (summary.nps, summary.detractors, summary.n) == (-100.0, 2, 2)


def _at(day: date, hour: int = 12):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_metric_summary_filters_by_date_with_until_inclusive(survey, nps_question):
    answer(nps_question, 10, submitted_at=_at(date(2026, 3, 1), 0))
    answer(nps_question, 10, submitted_at=_at(date(2026, 3, 31), 23))
    answer(nps_question, 0, submitted_at=_at(date(2026, 2, 28), 23))
    answer(nps_question, 0, submitted_at=_at(date(2026, 4, 1), 0))

    summary = metric_summary(
        ResultFilter(survey_id=survey.pk, since=date(2026, 3, 1), until=date(2026, 3, 31))
    )

    assert (summary.nps, summary.promoters, summary.detractors, summary.n) == (100.0, 2, 0, 2)


def test_in_progress_answers_are_excluded(survey, nps_question):
    answers(nps_question, [10])
    answer(nps_question, 0, status=ResponseStatus.IN_PROGRESS, submitted_at=None)

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert (summary.nps, summary.nps_n, summary.n) == (100.0, 1, 1)


# ------------------------------------------------------------------ published figures

SUDZILLA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
) / "preppin_sudzilla_event_survey.csv"
SUDZILLA_SCORE = "On a scale of 0-10, how would you rate Sudzilla?"
SUDZILLA_WHY = "...why?"


@pytest.mark.skipif(not SUDZILLA.exists(), reason=f"shared acceptance data not found at {SUDZILLA}")
def test_sudzilla_event_survey_gives_the_published_nps():
    """Preppin' Data 2019 week 40: NPS -35.9 from 39 respondents, 8 promoters, 22 detractors."""
    with SUDZILLA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    survey = SurveyFactory(title="Sudzilla")
    score_q = QuestionFactory(survey=survey, type=QuestionType.NPS, position=1)
    why_q = QuestionFactory(survey=survey, type=QuestionType.TEXT, position=2, required=False)
    contact = ContactFactory()
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            contact=contact,
            account=contact.account,
            status=ResponseStatus.COMPLETED,
            submitted_at=timezone.make_aware(datetime.fromisoformat(row["Timestamp"])),
        )
        for row in rows
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            question_type=question.type,
            survey=survey,
            account=contact.account,
            submitted_at=response.submitted_at,
            number=int(row[SUDZILLA_SCORE]) if question is score_q else None,
            text=row[SUDZILLA_WHY] if question is why_q else "",
        )
        for response, row in zip(responses, rows, strict=True)
        for question in (score_q, why_q)
    )

    summary = metric_summary(ResultFilter(survey_id=survey.pk))

    assert summary.n == 39
    assert summary.nps == -35.9
    assert summary.promoters == 8
    assert summary.detractors == 22
    assert summary.passives == 9
