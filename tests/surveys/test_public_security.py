import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string

from cem_project.logging import ScrubSurveyTokens
from surveys.constants import InvitationStatus, QuestionType
from surveys.models import Answer, Response
from tests.factories import (
    DistributionFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

INVALID_TEXT = "This survey link is not valid. It may have expired or already been used."
UNKNOWN_TOKEN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def invitation():
    invitation = InvitationFactory()
    QuestionFactory(survey=invitation.survey, type=QuestionType.NPS)
    return invitation


def _url(token):
    return f"/s/{token}/"


def _answer(invitation, score="9"):
    question = invitation.survey.questions.get()
    return {f"q_{question.pk}": score}


def test_unknown_used_expired_and_draft_links_get_byte_identical_404s(invitation):
    used = InvitationFactory()
    QuestionFactory(survey=used.survey)
    Client().post(_url(used.token), _answer(used))
    assert Response.objects.filter(invitation=used).exists()
    expired = InvitationFactory(expired=True)
    draft = InvitationFactory(survey=SurveyFactory(draft=True))
    failed = InvitationFactory(status=InvitationStatus.FAILED)

    responses = [
        Client().get(_url(token))
        for token in (UNKNOWN_TOKEN, used.token, expired.token, draft.token, failed.token, "x" * 80)
    ]

    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert INVALID_TEXT in responses[0].content.decode()


def test_posting_to_an_invalid_link_stores_nothing(invitation):
    expired = InvitationFactory(expired=True)
    QuestionFactory(survey=expired.survey)

    response = Client().post(_url(expired.token), _answer(expired))

    assert response.status_code == 404
    assert not Response.objects.exists()


def test_the_session_that_answered_gets_409_already_answered(client, invitation):
    client.post(_url(invitation.token), _answer(invitation))

    again_get = client.get(_url(invitation.token))
    again_post = client.post(_url(invitation.token), _answer(invitation, "3"))

    assert again_get.status_code == 409
    assert again_post.status_code == 409
    assert "You have already answered — thank you." in again_post.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.get().number == 9


def test_a_concurrent_submit_that_loses_the_race_gets_409_and_no_second_response(
    client, invitation
):
    # The winner committed after this request resolved the link as open.
    winner = ResponseFactory(survey=invitation.survey, invitation=invitation)

    response = client.post(_url(invitation.token), _answer(invitation))

    assert response.status_code == 409
    assert list(Response.objects.all()) == [winner]
    assert not Answer.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_closed_survey_gives_410_and_stores_nothing(client, method, invitation):
    invitation.survey.status = "closed"
    invitation.survey.save()

    response = getattr(client, method)(_url(invitation.token), _answer(invitation))

    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.opened_at is None


def test_a_closed_send_gives_410(client):
    distribution = DistributionFactory(closes_at=timezone.now() - timezone.timedelta(hours=1))
    invitation = InvitationFactory(survey=distribution.survey, distribution=distribution)

    assert client.get(_url(invitation.token)).status_code == 410


@pytest.mark.parametrize("kind", ["form", "invalid", "closed", "thank_you"])
def test_public_pages_send_strict_security_headers(client, invitation, kind):
    if kind == "closed":
        invitation.survey.status = "closed"
        invitation.survey.save()
    if kind == "thank_you":
        response = client.post(_url(invitation.token), _answer(invitation))
    else:
        response = client.get(_url(UNKNOWN_TOKEN if kind == "invalid" else invitation.token))

    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_public_pages_have_no_inline_script(client, invitation):
    html = client.get(_url(invitation.token)).content.decode()

    assert "<script>" not in html
    assert " on" + "click=" not in html
    assert '<script src="/static/js/survey.js"></script>' in html


def test_token_guesses_are_rate_limited_per_ip_but_never_a_valid_link(settings, invitation):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 3
    guesser = Client(REMOTE_ADDR="203.0.113.9")

    statuses = [guesser.get(_url(f"{UNKNOWN_TOKEN[:-2]}{n:02d}")).status_code for n in range(4)]
    valid_from_the_same_address = guesser.get(_url(invitation.token))
    still_guessing = guesser.get(_url(UNKNOWN_TOKEN))
    other_ip = Client(REMOTE_ADDR="198.51.100.7").get(_url(UNKNOWN_TOKEN))

    assert statuses == [404, 404, 404, 429]
    assert valid_from_the_same_address.status_code == 200
    assert still_guessing.status_code == 429
    assert other_ip.status_code == 404


def test_invalid_links_log_a_security_warning_without_the_token(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get(_url(UNKNOWN_TOKEN))

    records = [r for r in caplog.records if r.name == "surveys.security"]
    assert len(records) == 1
    assert "127.0.0.1" in records[0].getMessage()
    assert all(UNKNOWN_TOKEN not in r.getMessage() for r in caplog.records)


def test_scrub_filter_removes_the_token_from_a_runserver_access_line():
    token = InvitationFactory.build().token
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /s/{token}/?score=9 HTTP/1.1", "200", "5120"),
        None,
    )

    assert ScrubSurveyTokens().filter(record)

    assert token not in record.getMessage()
    assert "/s/[token]/" in record.getMessage()


def test_scrub_filter_removes_the_token_from_a_gunicorn_access_line():
    token = InvitationFactory.build().token
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s',
        ({"h": "127.0.0.1", "r": f"POST /s/{token}/ HTTP/1.1", "s": "200"},),
        None,
    )

    ScrubSurveyTokens().filter(record)

    assert token not in record.getMessage()


def test_runserver_log_handlers_scrub_tokens():
    handlers = logging.getLogger("django.server").handlers
    assert handlers
    assert all(any(isinstance(f, ScrubSurveyTokens) for f in h.filters) for h in handlers)


def test_gunicorn_config_routes_its_logs_through_the_scrub_filter(settings):
    namespace = {}
    with open(settings.BASE_DIR / "gunicorn.conf.py") as config:
        exec(compile(config.read(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    logging_config = namespace["logconfig_dict"]

    assert import_string(logging_config["filters"]["scrub_tokens"]["()"]) is ScrubSurveyTokens
    for logger in ("gunicorn.access", "gunicorn.error"):
        for handler in logging_config["loggers"][logger]["handlers"]:
            assert "scrub_tokens" in logging_config["handlers"][handler]["filters"]


def test_django_does_not_log_the_token_path_of_a_404(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(_url(UNKNOWN_TOKEN))

    assert not [r for r in caplog.records if r.name == "django.request"]


def test_page_redirects_send_the_same_strict_headers(client):
    invitation = InvitationFactory()
    first = QuestionFactory(survey=invitation.survey, page=1, type=QuestionType.NPS)
    QuestionFactory(survey=invitation.survey, page=2, type=QuestionType.TEXT)

    response = client.post(_url(invitation.token), {"page": "1", f"q_{first.pk}": "9"})

    assert response.status_code == 303
    assert response["Location"] == f"/s/{invitation.token}/?page=2"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["?page=2", "?lang=fa", "?score=7", "?page=x&score=-3&lang=../"])
def test_query_parameters_never_break_the_page_or_store_anything(client, invitation, query):
    response = client.get(_url(invitation.token) + query)

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert not Response.objects.exists()
