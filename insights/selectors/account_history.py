"""An account's history for its page: scores per quarter with their intervals, its quadrant
in each relationship wave, its touch points' figures and its latest comments with their
scores. A fixed number of queries plus two per wave of the history (at most HISTORY_WAVES)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from customers.models import Account, TouchPoint
from surveys.constants import QuestionType
from surveys.models import Answer, Wave

from .. import metrics
from .aggregates import (
    METRIC_TYPES,
    MetricSummary,
    ResultFilter,
    answers_in,
    metric_aggregates,
    responses_in,
    summary_from_aggregates,
)
from .drilldown import with_scores
from .matrix import MatrixAccount, MatrixScope, customer_matrix, relationship_waves
from .trends import Trend, TrendScope, metric_trends, period_start

HISTORY_QUARTERS = 8
HISTORY_WAVES = 6
RECENT_COMMENTS = 20


@dataclass(frozen=True)
class TouchPointFigures:
    touch_point: TouchPoint
    summary: MetricSummary
    measured: list[str]  # metric keys with answers here, in METRICS order


@dataclass(frozen=True)
class AccountHistory:
    trends: dict[str, Trend]
    quadrants: list[tuple[Wave, MatrixAccount | None]]  # oldest wave first
    touch_points: list[TouchPointFigures]
    comments: list[Answer]


def _touch_points(account: Account) -> list[TouchPointFigures]:
    scoped = ResultFilter(account_id=account.pk)
    rows = {
        row.pop("touch_point_id"): row
        for row in answers_in(scoped)
        .filter(question_type__in=METRIC_TYPES, touch_point__isnull=False)
        .order_by()
        .values("touch_point_id")
        .annotate(**metric_aggregates())
    }
    counts = dict(
        responses_in(scoped)
        .filter(touch_point__isnull=False)
        .order_by()
        .values("touch_point_id")
        .annotate(n=Count("id"))
        .values_list("touch_point_id", "n")
    )
    figures = []
    for touch_point in TouchPoint.objects.filter(pk__in=list(rows)).order_by(
        "corridor_position", "code"
    ):
        summary = summary_from_aggregates(rows[touch_point.pk], n=counts.get(touch_point.pk, 0))
        measured = [
            key
            for key, n in (("nps", summary.nps_n), ("csat", summary.csat_n), ("ces", summary.ces_n))
            if n
        ]
        figures.append(TouchPointFigures(touch_point, summary, measured))
    return figures


def account_history(
    *, account: Account, today: date | None = None, comments: bool = True
) -> AccountHistory:
    today = today or timezone.localdate()
    first = period_start(today, "quarter")
    index = first.year * 12 + first.month - 1 - 3 * (HISTORY_QUARTERS - 1)
    since = date(index // 12, index % 12 + 1, 1)
    trends = metric_trends(
        scope=TrendScope(since=since, until=today, period="quarter", account_id=account.pk),
        names=("nps", "cx_index", "csat", "ces"),
    )
    waves = list(relationship_waves()[:HISTORY_WAVES])[::-1]
    scope = frozenset({account.pk})
    quadrants = [
        (
            wave,
            customer_matrix(scope=MatrixScope(wave=wave, account_ids=scope)).account(account.pk),
        )
        for wave in waves
    ]
    recent = (
        with_scores(
            answers_in(ResultFilter(account_id=account.pk))
            .filter(question_type=QuestionType.TEXT)
            .exclude(text="")
            .select_related("survey", "touch_point")
            .order_by("-submitted_at", "-pk")
        )[:RECENT_COMMENTS]
        if comments
        else []
    )
    return AccountHistory(
        trends=trends,
        quadrants=quadrants,
        touch_points=_touch_points(account),
        comments=list(recent),
    )


def score_metric(question_type: str | None) -> str | None:
    """The metric of a comment's score (its `score_type`)."""
    return metrics.QUESTION_METRIC.get(question_type or "")
