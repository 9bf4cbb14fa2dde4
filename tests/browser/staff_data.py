"""Staff pages in a browser: a logged-in staff user and a survey whose NPS is negative."""

from django.conf import settings
from django.test import Client

from surveys.constants import InvitationStatus, QuestionType
from tests.factories import (
    AnswerFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)

# 6 promoters, 9 passives, 10 detractors of 25: NPS (6 - 10) / 25 = -16.0, the figure.
SCORES = [10] * 3 + [9] * 3 + [8] * 5 + [7] * 4 + [6] * 4 + [3] * 3 + [0] * 3
NEGATIVE_NPS = "-16.0"


def staff_login(context, base_url: str, language: str | None = None) -> None:
    """Log a staff user into a browser context with a session made by Django's test client;
    `language` sets the interface language cookie (what /i18n/setlang/ stores)."""
    client = Client()
    client.force_login(UserFactory(username="browser-analyst", superuser=True))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url})
    context.add_cookies(cookies)


def survey_with_negative_nps(title: str = "Repair follow-up"):
    survey = SurveyFactory(title=title, transaction=True, touch_point=TouchPointFactory())
    nps = QuestionFactory(
        survey=survey,
        type=QuestionType.NPS,
        position=1,
        text="How likely are you to recommend us to a friend or colleague?",
    )
    why = QuestionFactory(survey=survey, type=QuestionType.TEXT, position=2, text="Why?")
    for n, score in enumerate(SCORES):
        invitation = InvitationFactory(
            survey=survey, contact=ContactFactory(), status=InvitationStatus.COMPLETED
        )
        response = ResponseFactory(survey=survey, invitation=invitation, contact=invitation.contact)
        AnswerFactory(response=response, question=nps, number=score)
        if n % 5 == 0:
            AnswerFactory(response=response, question=why, text=f"Comment number {n}.")
    return survey
