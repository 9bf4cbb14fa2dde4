from datetime import datetime

import pytest
from django.utils import timezone

from surveys.constants import QuestionType, ResponseStatus
from tests.factories import (
    AnswerFactory,
    ChoiceFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
)

pytestmark = pytest.mark.django_db


def _at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def test_survey_is_read_with_its_questions_and_choices(admin_api):
    survey = SurveyFactory(
        transaction=True, touch_point=TouchPointFactory(code="repair"), languages=["en", "pl"]
    )
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS, position=1, help_text="0-10")
    pick = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, position=2)
    ChoiceFactory(question=pick, value="fast", label="Fast", position=1)
    ChoiceFactory(question=pick, value="slow", label="Slow", position=2)

    body = admin_api.get(f"/api/v1/surveys/{survey.pk}/").json()

    assert body["kind"] == "transaction"
    assert body["status"] == "live"
    assert body["touch_point"] == "repair"
    assert body["languages"] == ["en", "pl"]
    first, second = body["questions"]
    assert first["id"] == nps.pk
    assert first["type"] == "nps"
    assert first["scale"] == {"min": 0, "max": 10}
    assert first["help_text"] == "0-10"
    assert {"position", "page", "text", "required"} <= first.keys()
    assert second["scale"] is None
    assert [c["value"] for c in second["choices"]] == ["fast", "slow"]


def test_surveys_are_read_only(admin_api):
    survey = SurveyFactory()

    assert admin_api.post("/api/v1/surveys/", {"title": "x"}).status_code == 405
    assert admin_api.delete(f"/api/v1/surveys/{survey.pk}/").status_code == 405


def test_survey_list_is_a_fixed_number_of_queries(admin_api, django_assert_max_num_queries):
    for _ in range(10):
        question = QuestionFactory(type=QuestionType.SINGLE_CHOICE)
        ChoiceFactory.create_batch(3, question=question)

    with django_assert_max_num_queries(4):
        assert admin_api.get("/api/v1/surveys/").json()["count"] == 10


@pytest.fixture
def answered_survey():
    survey = SurveyFactory(transaction=True, touch_point=TouchPointFactory(code="install"))
    questions = {
        "nps": QuestionFactory(survey=survey, type=QuestionType.NPS, position=1),
        "single": QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, position=2),
        "multi": QuestionFactory(survey=survey, type=QuestionType.MULTIPLE_CHOICE, position=3),
        "text": QuestionFactory(survey=survey, type=QuestionType.TEXT, position=4),
    }
    choices = {
        "yes": ChoiceFactory(question=questions["single"], value="yes"),
        "price": ChoiceFactory(question=questions["multi"], value="price", position=1),
        "speed": ChoiceFactory(question=questions["multi"], value="speed", position=2),
    }
    return survey, questions, choices


def _respond(survey, questions, choices, **kwargs):
    response = ResponseFactory(survey=survey, **kwargs)
    AnswerFactory(response=response, question=questions["nps"], number=9)
    AnswerFactory(response=response, question=questions["single"], choice=choices["yes"])
    AnswerFactory(response=response, question=questions["multi"], choice=choices["price"])
    AnswerFactory(response=response, question=questions["multi"], choice=choices["speed"])
    AnswerFactory(response=response, question=questions["text"], text="Quick and tidy")
    return response


def test_response_carries_each_answer_with_question_type_and_value(admin_api, answered_survey):
    survey, questions, choices = answered_survey
    response = _respond(survey, questions, choices)

    body = admin_api.get(f"/api/v1/responses/{response.pk}/").json()

    assert body["survey"] == survey.pk
    assert body["account"] == response.account_id
    assert body["touch_point"] == "install"
    expected = [
        (questions["nps"], "nps", 9),
        (questions["single"], "single_choice", "yes"),
        (questions["multi"], "multiple_choice", ["price", "speed"]),
        (questions["text"], "text", "Quick and tidy"),
    ]
    assert body["answers"] == [
        {"question": q.pk, "question_id": q.pk, "question_type": kind, "value": value}
        for q, kind, value in expected
    ]


def test_responses_filter_by_survey_account_and_date(admin_api, answered_survey):
    survey, questions, choices = answered_survey
    contact = ContactFactory()
    march = _respond(survey, questions, choices, contact=contact, submitted_at=_at(2026, 3, 31, 23))
    _respond(survey, questions, choices, submitted_at=_at(2026, 3, 15))
    _respond(survey, questions, choices, contact=contact, submitted_at=_at(2026, 4, 1, 0))
    ResponseFactory(contact=contact, submitted_at=_at(2026, 3, 20))

    def ids(**params):
        return [r["id"] for r in admin_api.get("/api/v1/responses/", params).json()["results"]]

    assert len(ids(survey=survey.pk)) == 3
    assert len(ids(account=contact.account_id)) == 3
    assert ids(
        survey=survey.pk, account=contact.account_id, since="2026-03-01", until="2026-03-31"
    ) == [march.pk]


def test_responses_reject_a_malformed_date(admin_api):
    response = admin_api.get("/api/v1/responses/", {"since": "yesterday"})

    assert response.status_code == 400
    assert "since" in response.json()


def test_in_progress_responses_are_not_listed(admin_api):
    ResponseFactory(status=ResponseStatus.IN_PROGRESS, submitted_at=None)

    assert admin_api.get("/api/v1/responses/").json()["results"] == []


def test_response_page_is_a_fixed_number_of_queries(
    api_a, account_a, answered_survey, django_assert_max_num_queries
):
    survey, questions, choices = answered_survey
    for _ in range(12):
        _respond(survey, questions, choices, contact=ContactFactory(account=account_a))

    with django_assert_max_num_queries(6):
        body = api_a.get("/api/v1/responses/").json()

    assert len(body["results"]) == 12
    assert all(len(r["answers"]) == 4 for r in body["results"])


def test_connector_parameter_on_responses_is_ignored(admin_api, answered_survey):
    survey, questions, choices = answered_survey
    _respond(survey, questions, choices)
    ResponseFactory()

    response = admin_api.get("/api/v1/responses/", {"survey": survey.pk, "_connector": "OR"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_other_teams_responses_are_404_and_not_listed(api_a, account_a, account_b):
    mine = ResponseFactory(contact=ContactFactory(account=account_a))
    theirs = ResponseFactory(contact=ContactFactory(account=account_b))
    ResponseFactory(contact=None, account=None)

    assert api_a.get(f"/api/v1/responses/{theirs.pk}/").status_code == 404
    assert [r["id"] for r in api_a.get("/api/v1/responses/").json()["results"]] == [mine.pk]
    assert api_a.get("/api/v1/responses/", {"account": account_b.pk}).json()["results"] == []
