"""Reads of survey definitions and completed responses for the API and reports."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..models import Answer, Choice, Question, Response, Survey


def day_start(day: date, *, days_after: int = 0) -> datetime:
    """Midnight at the start of `day` (+ `days_after`) in the current time zone."""
    return timezone.make_aware(
        datetime.combine(day + timedelta(days=days_after), time.min),
        timezone.get_current_timezone(),
    )


def survey_list() -> QuerySet[Survey]:
    """Surveys with their questions and choices, in a fixed number of queries."""
    return (
        Survey.objects.select_related("touch_point")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("page", "position", "id").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
                ),
            )
        )
        .order_by("-created_at", "-id")
    )


def response_list(*, user) -> QuerySet[Response]:
    """Completed responses of the accounts `user` may see, answers prefetched with choices."""
    return (
        Response.objects.completed()
        .visible_to(user)
        .select_related("touch_point")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("choice").order_by(
                    "question__page", "question__position", "question_id", "choice__position"
                ),
            )
        )
        .order_by("-submitted_at", "-id")
    )
