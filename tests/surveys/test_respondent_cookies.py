"""The personal answering pages keep no database session: the browser's memory of answered
links and chosen languages lives in signed cookies, and a submit costs a bounded number of
queries."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from surveys.constants import InvitationStatus, QuestionType, SurveyStatus
from surveys.models import Invitation, Response, SurveyTranslation
from surveys.services.responses import InvitationNotAnswerable, response_submit
from surveys.views.cookies import ANSWERED_COOKIE, LANGUAGE_COOKIE
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def invitation():
    survey = SurveyFactory(languages=["en", "pl"])
    invitation = InvitationFactory(survey=survey, contact=ContactFactory(language="en"))
    QuestionFactory(survey=survey, type=QuestionType.NPS)
    QuestionFactory(survey=survey, type=QuestionType.TEXT, required=False)
    return invitation


def _url(invitation, query=""):
    return f"/s/{invitation.token}/{query}"


def _answers(invitation):
    nps = invitation.survey.questions.get(type=QuestionType.NPS)
    return {f"q_{nps.pk}": "9"}


def test_a_submit_remembers_the_answered_link_in_a_signed_cookie_not_a_session(invitation):
    client = Client()

    response = client.post(_url(invitation), _answers(invitation))

    assert response.status_code == 200
    cookie = response.cookies[ANSWERED_COOKIE]
    assert cookie["path"] == "/s/"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert str(invitation.pk) in cookie.value and ":" in cookie.value  # signed
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
    assert client.get(_url(invitation)).status_code == 409


def test_an_unsigned_answered_cookie_is_ignored(invitation):
    Client().post(_url(invitation), _answers(invitation))
    forger = Client()
    forger.cookies[ANSWERED_COOKIE] = str(invitation.pk)

    assert forger.get(_url(invitation)).status_code == 404


def test_the_answered_cookie_covers_only_the_links_answered_in_this_browser(invitation):
    other = InvitationFactory(survey=invitation.survey)
    client = Client()
    client.post(_url(invitation), _answers(invitation))
    Client().post(_url(other), _answers(other))  # answered in another browser

    assert client.get(_url(invitation)).status_code == 409
    assert client.get(_url(other)).status_code == 404


def test_the_chosen_language_is_a_signed_cookie_per_invitation(invitation):
    client = Client()

    switched = client.get(_url(invitation, "?lang=pl"))

    cookie = switched.cookies[LANGUAGE_COOKIE]
    assert cookie["path"] == "/s/" and cookie["httponly"] is True
    assert switched["Content-Language"] == "pl"
    assert client.get(_url(invitation))["Content-Language"] == "pl"
    assert not Session.objects.exists()
    forger = Client()
    forger.cookies[LANGUAGE_COOKIE] = f"{invitation.pk}-pl"
    assert forger.get(_url(invitation))["Content-Language"] == "en"


def test_a_whole_survey_submit_takes_few_queries_and_no_translation_lookup(invitation):
    answers = _answers(invitation)
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(_url(invitation), answers)

    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    # Resolve under the row lock, questions + choices, the saved response (none), insert the
    # response, insert its answers, complete the invitation; plus transaction statements
    # where the backend logs them.
    transaction = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    work = [s for s in statements if not s.startswith(transaction)]
    assert len(work) == 7, statements
    if connection.vendor == "postgresql":
        assert 'FOR UPDATE OF "surveys_invitation"' in work[0]
    assert not any("django_session" in s for s in statements)
    assert not any("surveys_surveytranslation" in s for s in statements)


def test_another_language_still_reads_its_translations(invitation):
    SurveyTranslation.objects.create(
        survey=invitation.survey, language="pl", key="title", text="Ankieta"
    )

    html = Client().get(_url(invitation, "?lang=pl")).content.decode()

    assert "Ankieta" in html


def test_submit_with_a_bare_invitation_reads_its_survey_under_the_lock(invitation):
    invitation.survey.status = SurveyStatus.CLOSED
    invitation.survey.save()
    bare = Invitation.objects.get(pk=invitation.pk)  # nothing related loaded

    with pytest.raises(InvitationNotAnswerable):
        response_submit(invitation=bare, answers={}, language="en")

    assert not Response.objects.exists()
    bare.refresh_from_db()
    assert bare.status == InvitationStatus.SENT
