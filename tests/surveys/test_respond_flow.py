"""The page flow of a personal link, called as the view calls it (`surveys.services.respond`):
the Step it returns, the language rule, and the whole-survey submit's own transaction."""

import pytest
from django.http import QueryDict

from surveys.constants import ConditionOperator, InvitationStatus, QuestionType, ResponseStatus
from surveys.forms import SurveyResponseForm
from surveys.models import Answer, Invitation, Response
from surveys.services.respond import (
    LanguageRequest,
    PostedPage,
    StepKind,
    respond_open,
    respond_post,
    respondent_language,
)
from surveys.signals import response_completed
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    """Page 1: NPS. Page 2: why, for detractors only. Page 3: a last word."""
    survey = SurveyFactory(languages=["en", "pl"])
    nps = QuestionFactory(survey=survey, page=1, type=QuestionType.NPS)
    QuestionFactory(
        survey=survey,
        page=2,
        type=QuestionType.TEXT,
        condition_question=nps,
        condition_operator=ConditionOperator.LTE,
        condition_value="6",
    )
    QuestionFactory(survey=survey, page=3, type=QuestionType.TEXT, required=False)
    return InvitationFactory(survey=survey, contact=ContactFactory(language="en"))


def _nps(invitation):
    return invitation.survey.questions.get(type=QuestionType.NPS)


def _data(**values) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(values)
    return data


def _post(invitation, page, **answers):
    return respond_post(
        token=invitation.token,
        wish=LanguageRequest(),
        form_class=SurveyResponseForm,
        data=_data(**answers),
        page=page,
    )


def test_a_promoter_skips_the_hidden_page_and_the_last_page_completes(invitation):
    nps = _nps(invitation)

    first = _post(invitation, PostedPage(1), **{f"q_{nps.pk}": "9"})
    last = _post(invitation, PostedPage(3))

    assert (first.kind, first.page) == (StepKind.REDIRECT, 3)
    assert last.kind == StepKind.COMPLETED
    assert Response.objects.get(invitation=invitation).status == ResponseStatus.COMPLETED


def test_an_invalid_page_post_shows_the_page_again_with_the_error_and_stores_nothing(invitation):
    step = _post(invitation, PostedPage(1), **{f"q_{_nps(invitation).pk}": "11"})

    assert (step.kind, step.page) == (StepKind.FORM, 1)
    assert f"q_{_nps(invitation).pk}" in step.form.errors
    assert not Response.objects.exists()


def test_a_page_that_is_not_shown_redirects_to_where_the_respondent_left_off(invitation):
    step = _post(invitation, PostedPage(2))  # page 2 waits on the NPS answer of page 1

    assert (step.kind, step.page) == (StepKind.REDIRECT, 1)


def test_the_score_link_preselects_the_opening_question_and_stores_nothing(invitation):
    step = respond_open(
        token=invitation.token, wish=LanguageRequest(), form_class=SurveyResponseForm, score=3
    )

    assert (step.kind, step.page) == (StepKind.FORM, 1)
    assert step.form.initial == {f"q_{_nps(invitation).pk}": 3}
    assert not Response.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.OPENED


def test_a_refused_whole_submit_keeps_nothing(invitation):
    invitation.survey.status = "closed"
    invitation.survey.save()

    step = _post(invitation, None, **{f"q_{_nps(invitation).pk}": "9"})

    assert step.kind == StepKind.CLOSED
    assert not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_whole_submit_is_committed_before_the_step_comes_back(invitation):
    sent = []

    def receiver(sender, response, **kwargs):
        sent.append(response.pk)

    response_completed.connect(receiver)
    try:
        step = _post(invitation, None, **{f"q_{_nps(invitation).pk}": "9"})
    finally:
        response_completed.disconnect(receiver)

    assert step.kind == StepKind.COMPLETED
    assert sent == [Response.objects.get(invitation=invitation).pk]  # after commit, once


@pytest.mark.parametrize(
    ("requested", "remembered", "contact", "expected"),
    [
        ("pl", None, "en", ("pl", True)),  # asked for and offered: remembered
        ("pl", "pl", "en", ("pl", False)),  # already the remembered choice
        ("fa", "pl", "en", ("pl", False)),  # not offered: the remembered choice
        (None, None, "zh-hans", ("zh-hans", False)),  # the contact's own language
        ("xx", "xx", "de", ("en", False)),  # nothing offered fits: the survey's default
    ],
)
def test_the_respondent_language_rule(requested, remembered, contact, expected):
    invitation = InvitationFactory(
        survey=SurveyFactory(languages=["en", "pl"]), contact=ContactFactory(language=contact)
    )
    wish = LanguageRequest(
        requested=requested, remembered={str(invitation.pk): remembered} if remembered else {}
    )

    assert respondent_language(invitation=invitation, wish=wish) == expected
