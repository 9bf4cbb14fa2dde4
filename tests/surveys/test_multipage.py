"""Multi-page surveys: saved progress, resume on another device, back and next, skip logic
across pages, the one-click `?score=` start, and completion exactly once."""

import re

import pytest
from django.test import Client

from insights.selectors import ResultFilter, metric_summary
from surveys.constants import ConditionOperator, InvitationStatus, QuestionType, ResponseStatus
from surveys.models import Answer, Response
from surveys.selectors.questions import first_scale_question
from surveys.services.responses import (
    ResponseAlreadySubmitted,
    response_page_save,
    response_submit,
)
from surveys.signals import response_completed
from tests.factories import InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

WRONG = "What went wrong?"
LAST = "Anything else you would like to tell us?"


@pytest.fixture
def survey():
    """Page 1: NPS. Page 2: what went wrong, for detractors only. Page 3: a last word."""
    survey = SurveyFactory(title="After your installation")
    nps = QuestionFactory(
        survey=survey, page=1, position=1, type=QuestionType.NPS, text="Recommend us?"
    )
    QuestionFactory(
        survey=survey,
        page=2,
        type=QuestionType.TEXT,
        text=WRONG,
        condition_question=nps,
        condition_operator=ConditionOperator.LTE,
        condition_value="6",
    )
    QuestionFactory(survey=survey, page=3, type=QuestionType.TEXT, text=LAST)
    return survey


@pytest.fixture
def invitation(survey):
    return InvitationFactory(survey=survey)


@pytest.fixture
def q(survey):
    return {
        "nps": survey.questions.get(type=QuestionType.NPS),
        "wrong": survey.questions.get(text=WRONG),
        "last": survey.questions.get(text=LAST),
    }


def _url(invitation, query=""):
    return f"/s/{invitation.token}/{query}"


def _post(client, invitation, page, nav="next", **answers):
    data = {"page": str(page), "nav": nav, **{f"q_{k}": v for k, v in answers.items()}}
    return client.post(_url(invitation), data)


def _progress(html):
    match = re.search(r'<label id="survey-progress-label"[^>]*>([^<]+)</label>', html)
    return match.group(1) if match else None


def test_the_first_page_shows_its_questions_and_an_accessible_progress_bar(client, invitation, q):
    html = client.get(_url(invitation)).content.decode()

    assert _progress(html) == "Page 1 of 3"
    assert '<progress id="survey-progress"' in html and 'max="3" value="1"' in html
    assert 'name="page" value="1"' in html
    assert f'name="q_{q["nps"].pk}"' in html
    assert WRONG not in html and LAST not in html
    assert ">Next</button>" in html
    assert 'value="back"' not in html  # nothing before the first page


def test_next_saves_the_page_in_progress_and_redirects_to_the_next_page(client, invitation, q):
    response = _post(client, invitation, 1, **{str(q["nps"].pk): "3"})

    assert response.status_code == 303
    assert response["Location"] == _url(invitation, "?page=2")
    stored = Response.objects.get(invitation=invitation)
    assert stored.status == ResponseStatus.IN_PROGRESS
    assert stored.submitted_at is None
    answer = Answer.objects.get(response=stored)
    assert (answer.number, answer.submitted_at) == (3, None)
    invitation.refresh_from_db()
    assert invitation.status != InvitationStatus.COMPLETED

    html = client.get(response["Location"]).content.decode()
    assert _progress(html) == "Page 2 of 3"
    assert WRONG in html
    assert 'value="back"' in html


def test_in_progress_answers_do_not_count_in_metrics(client, invitation, q):
    _post(client, invitation, 1, **{str(q["nps"].pk): "3"})

    summary = metric_summary(ResultFilter(survey_id=invitation.survey_id))

    assert summary.n == 0
    assert summary.nps is None and summary.nps_n == 0


def test_a_promoter_skips_the_page_whose_questions_are_all_skipped(client, invitation, q):
    response = _post(client, invitation, 1, **{str(q["nps"].pk): "10"})

    assert response["Location"] == _url(invitation, "?page=3")
    html = client.get(response["Location"]).content.decode()
    assert _progress(html) == "Page 2 of 2"
    assert LAST in html and WRONG not in html
    assert "Send my answers" in html


def test_resume_on_another_device_continues_at_the_right_page_with_saved_answers(invitation, q):
    laptop, phone = Client(), Client()
    _post(laptop, invitation, 1, **{str(q["nps"].pk): "4"})

    html = phone.get(_url(invitation)).content.decode()

    assert _progress(html) == "Page 2 of 3"
    assert WRONG in html
    back = _post(phone, invitation, 2, nav="back", **{str(q["wrong"].pk): "Too long on hold."})
    assert back["Location"] == _url(invitation, "?page=1")
    page_one = phone.get(back["Location"]).content.decode()
    assert re.search(rf'name="q_{q["nps"].pk}" value="4"[^>]*checked', page_one)
    # Going back kept the answer typed on page 2, on the laptop too.
    page_two = laptop.get(_url(invitation, "?page=2")).content.decode()
    assert "Too long on hold.</textarea>" in page_two


def test_going_back_requires_nothing_and_keeps_what_is_valid(client, invitation, q):
    _post(client, invitation, 1, **{str(q["nps"].pk): "4"})

    back = _post(client, invitation, 2, nav="back")

    assert back.status_code == 303
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_a_required_question_on_the_page_must_be_answered(client, invitation, q):
    response = _post(client, invitation, 1)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html and "This question needs an answer." in html
    assert not Response.objects.exists()


def test_a_later_page_cannot_be_opened_before_the_required_answers(client, invitation, q):
    html = client.get(_url(invitation, "?page=3")).content.decode()

    assert _progress(html) == "Page 1 of 3"


def test_posting_an_unknown_page_redirects_to_the_resume_page(client, invitation):
    response = _post(client, invitation, 7)

    assert response.status_code == 303
    assert response["Location"] == _url(invitation, "?page=1")


def test_changing_an_earlier_answer_removes_answers_it_now_skips(client, invitation, q):
    _post(client, invitation, 1, **{str(q["nps"].pk): "2"})
    _post(client, invitation, 2, **{str(q["wrong"].pk): "Late."})

    response = _post(client, invitation, 1, **{str(q["nps"].pk): "9"})

    assert response["Location"] == _url(invitation, "?page=3")
    assert not Answer.objects.filter(question=q["wrong"]).exists()


def test_the_last_page_completes_the_response_once_and_shows_thank_you(
    client, invitation, q, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, response, **kwargs):
        received.append(response.pk)

    _post(client, invitation, 1, **{str(q["nps"].pk): "2"})
    _post(client, invitation, 2, **{str(q["wrong"].pk): "Late."})
    response_completed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            done = _post(client, invitation, 3, **{str(q["last"].pk): "That is all."})
            again = _post(client, invitation, 3, **{str(q["last"].pk): "Changed my mind."})
    finally:
        response_completed.disconnect(receiver)

    assert done.status_code == 200
    assert "Thank you for your answers." in done.content.decode()
    assert again.status_code == 409
    stored = Response.objects.get()
    assert stored.status == ResponseStatus.COMPLETED and stored.submitted_at is not None
    answers = list(stored.answers.all())
    assert len(answers) == 3
    assert {a.submitted_at for a in answers} == {stored.submitted_at}
    assert Answer.objects.get(question=q["last"]).text == "That is all."
    assert received == [stored.pk]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    summary = metric_summary(ResultFilter(survey_id=invitation.survey_id))
    assert (summary.n, summary.nps_n, summary.detractors) == (1, 1, 1)


def test_another_device_after_completion_gets_the_invalid_link_page(invitation, q):
    response_submit(
        invitation=invitation,
        answers={q["nps"].pk: 9, q["last"].pk: "Fine."},
        language="en",
    )

    assert Client().get(_url(invitation)).status_code == 404


def test_a_concurrent_final_submit_completes_exactly_once(invitation, q):
    response_page_save(invitation=invitation, page=1, answers={q["nps"].pk: 9}, language="en")
    stale = InvitationFactory._meta.model.objects.get(pk=invitation.pk)
    answers = {q["last"].pk: "Fine."}
    first = response_submit(invitation=invitation, answers=answers, language="en")
    # The loser read the invitation before the winner committed.
    InvitationFactory._meta.model.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.OPENED, completed_at=None
    )

    with pytest.raises(ResponseAlreadySubmitted):
        response_submit(invitation=stale, answers=answers, language="en")

    assert list(Response.objects.all()) == [first]
    assert Answer.objects.filter(response=first).count() == 2


def test_a_completed_response_is_final_for_page_saves(invitation, q):
    response_submit(
        invitation=invitation, answers={q["nps"].pk: 9, q["last"].pk: "Fine."}, language="en"
    )
    InvitationFactory._meta.model.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.OPENED
    )

    with pytest.raises(ResponseAlreadySubmitted):
        response_page_save(invitation=invitation, page=1, answers={q["nps"].pk: 1}, language="en")
    assert Answer.objects.get(question=q["nps"]).number == 9


def test_a_whole_survey_post_without_page_still_completes_in_one_request(client, invitation, q):
    response = client.post(
        _url(invitation), {f"q_{q['nps'].pk}": "10", f"q_{q['last'].pk}": "Great."}
    )

    assert response.status_code == 200
    assert Response.objects.get().status == ResponseStatus.COMPLETED


def test_a_same_page_condition_is_marked_for_progressive_reveal(client, survey, invitation, q):
    follow_up = QuestionFactory(
        survey=survey,
        page=1,
        position=99,
        type=QuestionType.TEXT,
        required=True,
        condition_question=q["nps"],
        condition_operator=ConditionOperator.LTE,
        condition_value="6",
    )

    html = client.get(_url(invitation)).content.decode()
    promoter = _post(client, invitation, 1, **{str(q["nps"].pk): "9"})

    assert f'data-show-if="q_{q["nps"].pk}"' in html
    assert 'data-operator="lte"' in html and 'data-value="6"' in html
    assert f'name="q_{follow_up.pk}"' in html
    assert promoter.status_code == 303  # skipped by the server too: not required
    detractor = _post(client, invitation, 1, **{str(q["nps"].pk): "3"})
    assert detractor.status_code == 200
    assert "This question needs an answer." in detractor.content.decode()


# ------------------------------------------------------------------ one-click start


def test_score_link_preselects_the_score_without_storing_anything(client, invitation, q):
    html = client.get(_url(invitation, "?score=3")).content.decode()

    assert re.search(rf'name="q_{q["nps"].pk}" value="3"[^>]*checked', html)
    assert not Response.objects.exists() and not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPENED  # opened, not answered


@pytest.mark.parametrize("score", ["11", "-1", "abc", "3.5", "", "9" * 50])
def test_invalid_scores_are_ignored(client, invitation, q, score):
    response = client.get(_url(invitation, f"?score={score}"))

    assert response.status_code == 200
    assert not re.search(
        rf'name="q_{q["nps"].pk}" value="\d+"[^>]*checked', response.content.decode()
    )


def test_the_scored_answer_counts_once_the_respondent_submits(client, invitation, q):
    client.get(_url(invitation, "?score=9"))

    _post(client, invitation, 1, **{str(q["nps"].pk): "9"})

    assert Answer.objects.get().number == 9


def test_first_scale_question_is_the_opening_unconditional_scale(survey, q):
    text_first = SurveyFactory()
    QuestionFactory(survey=text_first, page=1, type=QuestionType.TEXT)
    QuestionFactory(survey=text_first, page=2, type=QuestionType.NPS)
    rating = SurveyFactory()
    csat = QuestionFactory(survey=rating, type=QuestionType.RATING, scale_min=1, scale_max=5)

    assert first_scale_question(survey) == q["nps"]
    assert first_scale_question(text_first) is None
    assert first_scale_question(rating) == csat
    assert first_scale_question(SurveyFactory()) is None


def test_a_saved_answer_wins_over_a_score_link_opened_again(client, invitation, q):
    _post(client, invitation, 1, **{str(q["nps"].pk): "4"})

    html = client.get(_url(invitation, "?score=9&page=1")).content.decode()

    assert re.search(rf'name="q_{q["nps"].pk}" value="4"[^>]*checked', html)
    assert Answer.objects.get().number == 4
