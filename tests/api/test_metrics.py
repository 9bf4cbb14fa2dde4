from datetime import datetime

import pytest
from django.utils import timezone

from surveys.constants import QuestionType
from tests.factories import (
    AnswerFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/metrics/"
KEYS = {
    "nps", "csat", "csat_mean", "ces", "cx_index", "n", "promoters", "passives", "detractors",
    "nps_n", "csat_n", "ces_n", "cx_n",
}  # fmt: skip


def _scores(question, numbers, **response_kwargs):
    for number in numbers:
        response = ResponseFactory(survey=question.survey, **response_kwargs)
        AnswerFactory(response=response, question=question, number=number)


@pytest.fixture
def repair_survey():
    return SurveyFactory(transaction=True, touch_point=TouchPointFactory(code="repair"))


def test_metrics_of_a_survey(admin_api, repair_survey):
    nps = QuestionFactory(survey=repair_survey, type=QuestionType.NPS)
    effort = QuestionFactory(survey=repair_survey, type=QuestionType.EFFORT)
    _scores(nps, [9, 10, 9, 7, 8, 0, 3, 6, 6, 1])
    _scores(effort, [6, 4])

    body = admin_api.get(URL, {"survey": repair_survey.pk}).json()

    assert body.keys() == KEYS
    assert body["nps"] == -20.0
    assert (body["promoters"], body["passives"], body["detractors"]) == (3, 2, 5)
    assert body["nps_n"] == 10
    assert body["ces"] == 5.0
    assert body["n"] == 12
    assert body["csat"] is None and body["csat_n"] == 0


def test_metrics_accept_the_touch_point_code_or_id(admin_api, repair_survey):
    _scores(QuestionFactory(survey=repair_survey), [10])
    _scores(QuestionFactory(), [0])

    by_code = admin_api.get(URL, {"touch_point": "repair"}).json()
    by_id = admin_api.get(URL, {"touch_point": repair_survey.touch_point_id}).json()

    assert by_code == by_id
    assert (by_code["nps"], by_code["n"]) == (100.0, 1)


def test_metrics_filter_by_date_with_until_inclusive(admin_api, repair_survey):
    question = QuestionFactory(survey=repair_survey)
    _scores(question, [10], submitted_at=timezone.make_aware(datetime(2026, 5, 31, 23, 30)))
    _scores(question, [0], submitted_at=timezone.make_aware(datetime(2026, 6, 1, 0, 30)))

    body = admin_api.get(URL, {"since": "2026-05-01", "until": "2026-05-31"}).json()

    assert (body["nps"], body["n"]) == (100.0, 1)


def test_metrics_without_answers_are_null_with_n_zero(admin_api):
    body = admin_api.get(URL).json()

    assert body["n"] == 0
    assert body["nps"] is None and body["cx_index"] is None


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "2026-13-01"}, "since"),
        ({"until": "tomorrow"}, "until"),
        ({"survey": "abc"}, "survey"),
        ({"survey": 999_999}, "survey"),
        ({"touch_point": "nowhere"}, "touch_point"),
        ({"account": 999_999}, "account"),
        ({"since": "2026-06-02", "until": "2026-06-01"}, "since"),
    ],
)
def test_invalid_metric_parameters_are_400_naming_the_parameter(admin_api, params, parameter):
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert parameter in response.json()


def test_unknown_and_connector_parameters_are_ignored(admin_api, repair_survey):
    _scores(QuestionFactory(survey=repair_survey), [10, 0])

    response = admin_api.get(
        URL, {"survey": repair_survey.pk, "_connector": "OR", "number__gte": 9, "foo": "bar"}
    )

    assert response.status_code == 200
    assert response.json()["nps_n"] == 2


def test_metrics_only_count_the_callers_accounts(api_a, account_a, account_b, repair_survey):
    question = QuestionFactory(survey=repair_survey)
    _scores(question, [10], contact=ContactFactory(account=account_a))
    _scores(question, [0, 0, 0], contact=ContactFactory(account=account_b))

    body = api_a.get(URL, {"survey": repair_survey.pk}).json()

    assert (body["nps"], body["n"]) == (100.0, 1)


def test_metrics_for_another_teams_account_are_400_like_an_unknown_account(
    api_a, account_b, repair_survey
):
    _scores(QuestionFactory(survey=repair_survey), [0], contact=ContactFactory(account=account_b))

    theirs = api_a.get(URL, {"account": account_b.pk})
    missing = api_a.get(URL, {"account": 999_999})

    assert theirs.status_code == missing.status_code == 400
    assert theirs.json() == missing.json()
