"""The dashboards per audience, each composed of the other selectors' reads.

- executive: headline metrics with trends, each survey's own headline metric and response
  rate, the customer matrix of the latest wave with the accounts that changed quadrant since
  the wave before, the corridor's weakest step, and revenue at risk per wave;
- general manager: the accounts of its vertical markets with their place and score, its
  touch points' latest figures and the open cases;
- account team: its accounts, each with scores, quadrant, the change of NPS since the
  quarter before and its latest comments.

A fixed number of queries per dashboard, whatever the number of accounts or answers; every
read is limited to the user's visible accounts.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import DateField
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from customers.selectors import visible_account_ids
from surveys.constants import QuestionType
from surveys.models import Answer, Wave

from .. import metrics
from ..cases.selectors import queue_counts
from .aggregates import NPS_COUNTS, ResultFilter, answers_in, metric_aggregates, nps_from_aggregates
from .corridor import CorridorStep, corridor, corridor_scope_for
from .headlines import SurveyHeadline, survey_headlines
from .loyalty import RevenueByQuadrant, revenue_at_risk_trend, revenue_by_quadrant
from .matrix import (
    CustomerMatrix,
    MatrixMove,
    customer_matrix,
    matrix_movement,
    matrix_scope_for,
    quadrant_changes,
    relationship_waves,
    scope_with_wave,
)
from .trends import Trend, metric_trends, trend_scope_for

HEADLINE_METRICS = ("nps", "cx_index", "csat", "ces")
REVENUE_WAVES = 4
RECENT_COMMENTS = 3


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _programme_waves(latest: Wave) -> list[Wave]:
    """The latest wave's programme's last REVENUE_WAVES waves with a send, oldest first."""
    waves = relationship_waves().filter(
        programme_id=latest.programme_id, period_start__lte=latest.period_start
    )
    return list(waves[:REVENUE_WAVES])[::-1]


@dataclass(frozen=True)
class OpenCases:
    """Open cases of the user's accounts (`Case.objects.visible_to`) and those routed or
    escalated to the user, each with how many are overdue: one query."""

    all: int
    all_overdue: int
    mine: int
    mine_overdue: int


def open_cases(*, user) -> OpenCases:
    counts = queue_counts(user=user)
    return OpenCases(
        all=counts["all"],
        all_overdue=counts["all_overdue"],
        mine=counts["mine"],
        mine_overdue=counts["mine_overdue"],
    )


@dataclass(frozen=True)
class ExecutiveDashboard:
    today: date
    trends: dict[str, Trend]
    headlines: list[SurveyHeadline]
    sent: int
    completed: int
    response_rate: float | None
    matrix: CustomerMatrix
    compare_wave: Wave | None
    changes: list[MatrixMove]  # accounts placed in both waves that changed quadrant
    unplaced_changes: int  # changes to or from too few answers
    weakest_step: CorridorStep | None
    corridor_period: str
    revenue: list[RevenueByQuadrant]
    open_cases: OpenCases

    @property
    def revenue_now(self) -> RevenueByQuadrant | None:
        return self.revenue[-1] if self.revenue else None


def executive_dashboard(*, user, today: date | None = None) -> ExecutiveDashboard:
    today = today or timezone.localdate()
    account_ids = visible_account_ids(user)
    trends = metric_trends(
        scope=trend_scope_for(user, period="quarter", today=today), names=HEADLINE_METRICS
    )
    headlines = survey_headlines(ResultFilter(account_ids=account_ids))
    sent = sum(h.sent for h in headlines)
    completed = sum(h.completed for h in headlines)

    latest = relationship_waves().first()
    scope = matrix_scope_for(user, wave=latest, today=today)
    matrix = customer_matrix(scope=scope, metric="nps")
    compare, changes, revenue = None, [], [revenue_by_quadrant(matrix, label="")]
    if latest is not None:
        waves = _programme_waves(latest)
        compare = waves[-2] if len(waves) > 1 else None
        before = None
        if compare is not None:
            before = customer_matrix(scope=scope_with_wave(scope, compare), metric="nps")
            changes = quadrant_changes(matrix_movement(before=before, after=matrix))
        older = revenue_at_risk_trend(waves=waves[:-2], account_ids=account_ids)
        revenue = [
            *older,
            *([revenue_by_quadrant(before, label=compare.name)] if before else []),
            revenue_by_quadrant(matrix, label=latest.name),
        ]
    placed = [move for move in changes if move.placed_in_both]
    # The weakest step of the last complete month (the corridor page has the year): a month
    # just begun has too few answers to name one, and a single month reads a twelfth of them.
    last_month = _month_start(today, 1)
    step_scope = corridor_scope_for(
        user, since=last_month, until=_month_start(today) - timedelta(days=1)
    )
    step = corridor(scope=step_scope).weakest_step
    return ExecutiveDashboard(
        today=today,
        trends=trends,
        headlines=headlines,
        sent=sent,
        completed=completed,
        response_rate=metrics.response_rate(completed, sent),
        matrix=matrix,
        compare_wave=compare,
        changes=placed,
        unplaced_changes=len(changes) - len(placed),
        weakest_step=step,
        corridor_period=step.cell.period.isoformat() if step else "",
        revenue=revenue,
        open_cases=open_cases(user=user),
    )


# ------------------------------------------------------------------ accounts with their scores


@dataclass(frozen=True)
class AccountLine:
    """One account on the general manager's and the account team's dashboards."""

    placement: object  # selectors.matrix.MatrixAccount (quadrant, NPS, n, revenue)
    nps_now: float | None  # this quarter
    nps_before: float | None  # the quarter before
    comments: list[Answer] = field(default_factory=list)

    @property
    def nps_change(self) -> float | None:
        if self.nps_now is None or self.nps_before is None:
            return None
        return round(self.nps_now - self.nps_before, 1)


def _quarter_nps(account_ids, today: date) -> dict[tuple[int, date], float | None]:
    """{(account id, quarter start): NPS} for this quarter and the one before, one query."""
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    previous = _month_start(this_quarter, 3)
    aggregates = metric_aggregates()
    rows = (
        answers_in(ResultFilter(since=previous, until=today, account_ids=account_ids))
        .filter(question_type=QuestionType.NPS, account__isnull=False)
        .order_by()
        .annotate(q=TruncQuarter("submitted_at", output_field=DateField()))
        .values("account_id", "q")
        .annotate(**{key: aggregates[key] for key in NPS_COUNTS})
    )
    return {(row["account_id"], row["q"]): nps_from_aggregates(row) for row in rows}


def _recent_comments(account_ids: frozenset[int] | None, limit: int) -> dict[int, list[Answer]]:
    """The latest comments per account (at most `limit` each), from one bounded query."""
    comments = (
        answers_in(ResultFilter(account_ids=account_ids))
        .filter(question_type=QuestionType.TEXT, account__isnull=False)
        .exclude(text="")
        .select_related("survey", "touch_point")
        .order_by("-submitted_at", "-pk")
    )
    cap = limit * (len(account_ids) if account_ids is not None else 50)
    grouped: dict[int, list[Answer]] = {}
    for comment in comments[: min(cap, 500)]:
        bucket = grouped.setdefault(comment.account_id, [])
        if len(bucket) < limit:
            bucket.append(comment)
    return grouped


def account_lines(
    *, user, today: date | None = None, vertical_market_id: int | None = None, comments=True
) -> tuple[CustomerMatrix, list[AccountLine]]:
    """The visible accounts (active, or that answered in the last year) with their lines."""
    today = today or timezone.localdate()
    scope = matrix_scope_for(user, today=today, vertical_market_id=vertical_market_id)
    matrix = customer_matrix(scope=scope, metric="nps")
    quarterly = _quarter_nps(scope.account_ids, today)
    this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    previous = _month_start(this_quarter, 3)
    recent = _recent_comments(scope.account_ids, RECENT_COMMENTS) if comments else {}
    lines = [
        AccountLine(
            placement=account,
            nps_now=quarterly.get((account.id, this_quarter)),
            nps_before=quarterly.get((account.id, previous)),
            comments=recent.get(account.id, []),
        )
        for account in matrix.accounts
    ]
    return matrix, lines


@dataclass(frozen=True)
class ManagerDashboard:
    matrix: CustomerMatrix
    markets: list[tuple[str, list[AccountLine]]]  # (vertical market name, its accounts)
    touch_points: list  # selectors.corridor.CorridorLine of the latest months
    weakest_step: CorridorStep | None
    open_cases: OpenCases


def general_manager_dashboard(*, user, today: date | None = None) -> ManagerDashboard:
    today = today or timezone.localdate()
    matrix, lines = account_lines(user=user, today=today, comments=False)
    markets: dict[str, list[AccountLine]] = {}
    for line in lines:
        markets.setdefault(line.placement.vertical_market, []).append(line)
    recent = corridor(scope=corridor_scope_for(user, since=_month_start(today, 2), until=today))
    return ManagerDashboard(
        matrix=matrix,
        markets=sorted(markets.items()),
        touch_points=[line for line in recent.lines if line.is_total],
        weakest_step=recent.weakest_step,
        open_cases=open_cases(user=user),
    )
