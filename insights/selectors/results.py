"""Reads of the results pages: the survey scoreboard, each question's distribution as a chart,
and the comments; each a grouped database aggregate over the scoped answers of `aggregates`."""

from dataclasses import dataclass, replace

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from surveys.constants import CHOICE_TYPES, QuestionType
from surveys.models import Answer, Question, Survey

from .aggregates import (
    NPS_COUNTS,
    ResultFilter,
    answers_in,
    metric_aggregates,
    nps_from_aggregates,
    responses_in,
)


def question_distributions(result_filter: ResultFilter) -> dict[int, dict]:
    """{question_id: {value: count}}; scale answers keyed by number, choices by choice id."""
    rows = (
        answers_in(result_filter)
        .exclude(question_type=QuestionType.TEXT)
        .values("question_id", "number", "choice_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    distributions: dict[int, dict] = {}
    for row in rows:
        key = row["choice_id"] if row["choice_id"] is not None else row["number"]
        distributions.setdefault(row["question_id"], {})[key] = row["count"]
    return distributions


def comments(result_filter: ResultFilter) -> QuerySet[Answer]:
    return (
        answers_in(result_filter)
        .filter(question_type=QuestionType.TEXT)
        .exclude(text="")
        .select_related("question", "account", "touch_point")
        .order_by("-submitted_at")
    )


@dataclass(frozen=True)
class SurveyScore:
    survey: Survey
    n: int
    nps: float | None
    nps_n: int


def survey_scoreboard(result_filter: ResultFilter) -> list[SurveyScore]:
    """Every survey with its number of completed responses and NPS, in one query.

    Each figure is a correlated subquery over the same scoped rows metric_summary reads.
    """
    scoped = replace(result_filter, survey_id=None)
    aggregates = metric_aggregates()

    def per_survey(queryset: QuerySet, aggregate):
        rows = queryset.filter(survey_id=OuterRef("pk")).order_by().values("survey_id")
        return Coalesce(Subquery(rows.annotate(value=aggregate).values("value")[:1]), 0)

    answers = answers_in(scoped)
    surveys = (
        Survey.objects.select_related("touch_point")
        .annotate(
            n=per_survey(responses_in(scoped), Count("id")),
            **{key: per_survey(answers, aggregates[key]) for key in NPS_COUNTS},
        )
        .order_by("-created_at", "-id")
    )
    return [
        SurveyScore(
            survey=s,
            n=s.n,
            nps=nps_from_aggregates({key: getattr(s, key) for key in NPS_COUNTS}),
            nps_n=s.nps_n,
        )
        for s in surveys
    ]


@dataclass(frozen=True)
class QuestionChart:
    question: Question
    labels: list[str]
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.counts, strict=True))

    def as_dict(self) -> dict:
        return {
            "id": self.question.pk,
            "text": self.question.text,
            "labels": self.labels,
            "counts": self.counts,
        }


def question_charts(survey: Survey, result_filter: ResultFilter) -> list[QuestionChart]:
    """One bar chart per scale or choice question: every scale point or choice, with counts."""
    distributions = question_distributions(replace(result_filter, survey_id=survey.pk))
    questions = (
        survey.questions.exclude(type=QuestionType.TEXT)
        .prefetch_related("choices")
        .order_by("page", "position", "id")
    )
    charts = []
    for question in questions:
        counts = distributions.get(question.pk, {})
        if question.type in CHOICE_TYPES:
            choices = list(question.choices.all())
            labels = [c.label for c in choices]
            values = [counts.get(c.pk, 0) for c in choices]
        elif question.scale is not None:
            low, high = question.scale
            labels = [str(v) for v in range(low, high + 1)]
            values = [counts.get(v, 0) for v in range(low, high + 1)]
        else:
            continue
        charts.append(QuestionChart(question=question, labels=labels, counts=values))
    return charts
