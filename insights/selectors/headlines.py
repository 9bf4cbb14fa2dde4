"""Each survey's headline: its responses, response rate and the metric it is built around
(`insights.metrics.headline_metric`: CES for an effort survey, NPS for an NPS one).

A constant number of queries whatever the number of surveys or accounts: the surveys with
their first scale question's type, the metric aggregates and the completed responses GROUP BY
survey (from the daily rollup where no account is in scope, like `metric_summary`), and the
invitation ledger GROUP BY survey for the response rates.
"""

from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from surveys.constants import QuestionType
from surveys.models import Invitation, Question, Survey
from surveys.rates import rate_counts

from .. import metrics, rollup
from ..models import AnswerDay, ResponseDay
from .aggregates import (
    _MEANS,
    METRIC_TYPES,
    MetricSummary,
    ResultFilter,
    _additive_aggregates,
    _day_start,
    answers_in,
    metric_aggregates,
    responses_in,
    summary_from_aggregates,
)

SCALE_TYPES = tuple(metrics.QUESTION_METRIC)
COUNT_KEYS = ("promoters", "detractors", "nps_n", "csat_n", "csat_satisfied", "ces_n", "cx_n")
METRIC_N = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n", "cx_index": "cx_n"}


@dataclass(frozen=True)
class SurveyHeadline:
    survey: Survey
    metric: str | None  # a METRICS key, or None for a survey without a scale question
    summary: MetricSummary
    sent: int
    completed: int
    response_rate: float | None

    @property
    def n(self) -> int:
        return self.summary.n

    @property
    def value(self) -> float | None:
        return getattr(self.summary, self.metric) if self.metric else None

    @property
    def metric_label(self) -> str:
        return metrics.METRICS[self.metric].label if self.metric else ""

    @property
    def metric_n(self) -> int:
        return getattr(self.summary, METRIC_N[self.metric]) if self.metric else 0


def _rolled_by_survey(result_filter: ResultFilter, through) -> tuple[dict, dict]:
    f = result_filter
    last_rolled_day = timezone.localtime(through).date() - timedelta(days=1)
    until = min(f.until, last_rolled_day) if f.until is not None else last_rolled_day
    answers = AnswerDay.objects.filter(day__lte=until, question_type__in=METRIC_TYPES)
    responses = ResponseDay.objects.filter(day__lte=until)
    for field, value in (("day__gte", f.since), ("touch_point_id", f.touch_point_id)):
        if value is not None:
            answers, responses = (
                answers.filter(**{field: value}),
                responses.filter(**{field: value}),
            )
    rolled = (
        answers.order_by()
        .values("survey_id")
        .annotate(
            **_additive_aggregates(
                rows=lambda q: Sum("count", filter=q),
                total=lambda q: Sum(F("number") * F("count"), filter=q),
                values=lambda q: Sum("count", filter=q & Q(number__isnull=False)),
            )
        )
    )
    rows = {row.pop("survey_id"): row for row in rolled}
    counts = dict(
        responses.order_by()
        .values("survey_id")
        .annotate(n=Sum("count"))
        .values_list("survey_id", "n")
    )
    if f.until is None or f.until > last_rolled_day:
        raw = (
            answers_in(f)
            .filter(question_type__in=METRIC_TYPES, submitted_at__gte=through)
            .order_by()
            .values("survey_id")
            .annotate(
                **_additive_aggregates(
                    rows=lambda q: Count("question_type", filter=q),
                    total=lambda q: Sum("number", filter=q),
                    values=lambda q: Count("number", filter=q),
                )
            )
        )
        for row in raw:
            into = rows.setdefault(row.pop("survey_id"), {})
            for key, value in row.items():
                into[key] = (into.get(key) or 0) + (value or 0)
        tail = (
            responses_in(f)
            .filter(submitted_at__gte=through)
            .order_by()
            .values("survey_id")
            .annotate(n=Count("id"))
        )
        for row in tail:
            counts[row["survey_id"]] = counts.get(row["survey_id"], 0) + row["n"]
    for row in rows.values():
        for key in _MEANS:
            values, total = row.pop(f"{key}_values", 0) or 0, row.pop(f"{key}_total", 0) or 0
            row[f"{key}_avg"] = Decimal(total) / Decimal(values) if values else None
        for key in (
            "promoters",
            "detractors",
            "nps_n",
            "csat_n",
            "csat_satisfied",
            "ces_n",
            "cx_n",
        ):
            row[key] = int(row.get(key) or 0)
    return rows, counts


def _raw_by_survey(result_filter: ResultFilter) -> tuple[dict, dict]:
    answers = answers_in(result_filter).filter(question_type__in=METRIC_TYPES)
    rows = {
        row.pop("survey_id"): row
        for row in answers.order_by().values("survey_id").annotate(**metric_aggregates())
    }
    counts = dict(
        responses_in(result_filter)
        .order_by()
        .values("survey_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "n")
    )
    return rows, counts


EMPTY_ROW = {
    "promoters": 0, "detractors": 0, "nps_n": 0, "csat_n": 0, "csat_satisfied": 0,
    "csat_avg": None, "ces_n": 0, "ces_avg": None, "cx_n": 0, "cx_avg": None,
}  # fmt: skip


def _rates_by_survey(result_filter: ResultFilter) -> dict[int, dict]:
    f = result_filter
    invitations = Invitation.objects.delivered()
    if f.account_id is not None:
        invitations = invitations.filter(contact__account_id=f.account_id)
    if f.account_ids is not None:
        invitations = invitations.filter(contact__account_id__in=f.account_ids)
    if f.touch_point_id is not None:
        invitations = invitations.filter(
            Q(event__touch_point_id=f.touch_point_id)
            | Q(event__isnull=True, survey__touch_point_id=f.touch_point_id)
        )
    if f.since is not None:
        invitations = invitations.filter(sent_at__gte=_day_start(f.since))
    if f.until is not None:
        invitations = invitations.filter(sent_at__lt=_day_start(f.until) + timedelta(days=1))
    return {
        row.pop("survey_id"): row
        for row in invitations.order_by().values("survey_id").annotate(**rate_counts())
    }


def survey_headlines(result_filter: ResultFilter) -> list[SurveyHeadline]:
    """Every survey (newest first) with its headline metric, responses and response rate."""
    f = replace(result_filter, survey_id=None)
    first_scale = (
        Question.objects.filter(survey=OuterRef("pk"), type__in=SCALE_TYPES)
        .exclude(type=QuestionType.RATING, scale_max__isnull=False, scale_max__gt=5)
        .order_by("page", "position", "pk")
        .values("type")[:1]
    )
    surveys = list(
        Survey.objects.select_related("touch_point")
        .annotate(first_scale_type=Subquery(first_scale))
        .order_by("-created_at", "-pk")
    )
    state = None
    if f.account_id is None and f.account_ids is None:
        state = rollup.state()
    if state is not None and (
        f.since is None or f.since < timezone.localtime(state.through).date()
    ):
        rows, counts = _rolled_by_survey(f, state.through)
    else:
        rows, counts = _raw_by_survey(f)
    rates = _rates_by_survey(f)
    headlines = []
    for survey in surveys:
        rate = rates.get(survey.pk, {"delivered": 0, "completed": 0})
        summary = summary_from_aggregates(
            {**EMPTY_ROW, **rows.get(survey.pk, {})}, n=int(counts.get(survey.pk, 0))
        )
        headlines.append(
            SurveyHeadline(
                survey=survey,
                metric=metrics.headline_metric([survey.first_scale_type]),
                summary=summary,
                sent=rate["delivered"],
                completed=rate["completed"],
                response_rate=metrics.response_rate(rate["completed"], rate["delivered"]),
            )
        )
    return headlines
