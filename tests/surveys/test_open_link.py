import pytest
from django.test import Client
from django.urls import reverse

from surveys.constants import QuestionType, SurveyKind
from surveys.models import Answer, Response
from tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(kind=SurveyKind.PULSE, open_link_enabled=True, slug="next-services")
    QuestionFactory(survey=survey, type=QuestionType.NPS)
    return survey


def _url(survey) -> str:
    return reverse("surveys:open_respond", args=[survey.slug])


def _answers(survey, score: int = 9) -> dict:
    return {f"q_{q.pk}": str(score) for q in survey.questions.all()}


def test_the_open_link_shows_the_form_with_strict_headers(client, survey):
    response = client.get(_url(survey))

    assert response.status_code == 200
    assert survey.title in response.content.decode()
    assert f'name="q_{survey.questions.get().pk}"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_an_open_answer_is_stored_without_invitation_contact_or_account(client, survey):
    response = client.post(_url(survey), _answers(survey, 10))

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    stored = Response.objects.get()
    assert (stored.invitation, stored.contact, stored.account, stored.distribution) == (
        None,
        None,
        None,
        None,
    )
    assert stored.survey == survey
    assert list(Answer.objects.values_list("number", flat=True)) == [10]
    assert not Answer.objects.filter(submitted_at__isnull=True).exists()


def test_a_second_submit_from_the_same_browser_is_refused(client, survey):
    client.post(_url(survey), _answers(survey))

    again = client.post(_url(survey), _answers(survey))
    shown = client.get(_url(survey))

    assert again.status_code == 409
    assert "Already answered" in again.content.decode()
    assert shown.status_code == 409
    assert Response.objects.count() == 1


def test_the_signed_cookie_alone_still_refuses_a_second_answer(client, survey):
    first = client.post(_url(survey), _answers(survey))
    cookie = first.cookies[f"cem_open_{survey.pk}"]
    assert cookie["httponly"]

    fresh = Client()  # a new session, the same cookie jar entry
    fresh.cookies[cookie.key] = cookie.value
    assert fresh.post(_url(survey), _answers(survey)).status_code == 409

    forged = Client()
    forged.cookies[cookie.key] = str(survey.pk)  # unsigned: ignored
    assert forged.post(_url(survey), _answers(survey)).status_code == 200
    assert Response.objects.count() == 2


def test_the_open_link_is_rate_limited_per_ip(settings, survey):
    settings.CEM_OPEN_LINK_SUBMITS_PER_MINUTE = 3
    statuses = [Client().post(_url(survey), _answers(survey)).status_code for _ in range(5)]
    other_ip = Client(REMOTE_ADDR="10.0.0.9").post(_url(survey), _answers(survey))

    assert statuses == [200, 200, 200, 429, 429]
    assert other_ip.status_code == 200
    assert Response.objects.count() == 4


def test_an_invalid_answer_shows_the_form_again_and_stores_nothing(client, survey):
    response = client.post(_url(survey), {f"q_{survey.questions.get().pk}": "11"})

    assert response.status_code == 200
    assert "Please check your answers" in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_disabled_unknown_or_draft_open_link_is_404(client, method, survey):
    disabled = SurveyFactory(open_link_enabled=False)
    draft = SurveyFactory(open_link_enabled=True, draft=True)
    for slug in (disabled.slug, draft.slug, "no-such-survey"):
        response = getattr(client, method)(reverse("surveys:open_respond", args=[slug]))
        assert response.status_code == 404
        assert disabled.title not in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_closed_survey_open_link_is_410_and_stores_nothing(client, method, survey):
    survey.status = "closed"
    survey.save()

    response = getattr(client, method)(_url(survey), _answers(survey))

    assert response.status_code == 410
    assert Response.objects.count() == 0


def test_a_survey_closed_while_the_form_was_open_refuses_the_answer(client, survey, monkeypatch):
    from surveys.models import Survey
    from surveys.views import open_link as views_open

    real = views_open.survey_questions

    def closing(**kwargs):
        # The view saw the survey live; it closes before the service stores anything.
        Survey.objects.filter(pk=survey.pk).update(status="closed")
        return real(**kwargs)

    monkeypatch.setattr(views_open, "survey_questions", closing)
    response = client.post(_url(survey), _answers(survey))

    assert response.status_code == 410
    assert Response.objects.count() == 0
