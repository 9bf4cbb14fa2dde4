"""Builders of answered waves and scored responses for the insights tests (beside
tests/factories.py: they compose several factories into one story)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from surveys.constants import DistributionOrigin, InvitationStatus, QuestionType, WaveStatus
from surveys.models import RelationshipProgramme, Wave
from tests.factories import (
    AnswerFactory,
    ContactFactory,
    DistributionFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
)

CX_ITEMS = (QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION)


def local(day: date, at: time = time(12)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def scored_responses(account, question, scores, *, submitted_at=None, **response_kwargs):
    """One response per score from a fresh contact of `account`, answering `question`."""
    submitted_at = submitted_at or timezone.now()
    responses = []
    for score in scores:
        response = ResponseFactory(
            survey=question.survey,
            contact=ContactFactory(account=account),
            submitted_at=submitted_at,
            **response_kwargs,
        )
        AnswerFactory(response=response, question=question, number=score)
        responses.append(response)
    return responses


def nps_answers(account, scores, *, submitted_at=None, survey=None):
    question = QuestionFactory(survey=survey or SurveyFactory(), type=QuestionType.NPS)
    return scored_responses(account, question, scores, submitted_at=submitted_at)


class Programme:
    """A relationship programme whose waves are answered by hand: `wave(...)` creates a
    closed wave with its send, and `answer(wave, account, nps=..., cx=(..), csat=..)`
    one invited contact's response to it."""

    def __init__(self, name: str = "Relationship"):
        self.survey = SurveyFactory(title=f"{name} survey")
        self.questions = {
            "nps": QuestionFactory(survey=self.survey, type=QuestionType.NPS),
            "csat": QuestionFactory(survey=self.survey, type=QuestionType.RATING),
            **{t: QuestionFactory(survey=self.survey, type=t) for t in CX_ITEMS},
        }
        self.programme = RelationshipProgramme.objects.create(
            name=name, survey=self.survey, cadence_months=6, first_wave_on=date(2025, 1, 1)
        )

    def wave(self, period_start: date, *, opens: datetime | None = None) -> Wave:
        opens = opens or local(period_start, time(9))
        closes = opens + timedelta(days=30)
        send = DistributionFactory(
            survey=self.survey, origin=DistributionOrigin.WAVE, closes_at=closes
        )
        return Wave.objects.create(
            programme=self.programme,
            distribution=send,
            name=f"Wave {period_start:%Y-%m}",
            period_start=period_start,
            opens_at=opens,
            closes_at=closes,
            status=WaveStatus.CLOSED,
        )

    def answer(self, wave: Wave, account, *, nps=None, cx=None, csat=None):
        contact = ContactFactory(account=account)
        invitation = InvitationFactory(
            survey=self.survey,
            distribution=wave.distribution,
            contact=contact,
            status=InvitationStatus.COMPLETED,
        )
        response = ResponseFactory(
            survey=self.survey,
            invitation=invitation,
            distribution=wave.distribution,
            contact=contact,
            submitted_at=wave.opens_at + timedelta(days=1),
        )
        values = {"nps": nps, "csat": csat, **dict(zip(CX_ITEMS, cx or (), strict=False))}
        for key, number in values.items():
            if number is not None:
                AnswerFactory(response=response, question=self.questions[key], number=number)
        return response


def visible_text(html: str) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    import re

    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r"\( ", "(", re.sub(r" ([%.,:;)])", r"\1", text))
