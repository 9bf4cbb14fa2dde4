"""Experience targets against actual: the metric over the answers a target covers (its touch
point, vertical market, account team; within what the viewer may see), the trend per month
from its start toward its date, and whether it is met, on track, behind or missed.

Two queries per target whatever the number of answers (the actual and the monthly trend); the
formulas are those of `insights.metrics` through `summary_from_aggregates`.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from customers.models import Account
from customers.selectors import visible_account_ids
from surveys.models import Answer

from ...metrics import METRICS
from ...selectors.aggregates import (
    METRIC_TYPES,
    ResultFilter,
    answers_in,
    metric_aggregates,
    summary_from_aggregates,
)
from ..constants import TargetState
from ..models import ExperienceTarget

# The aggregates' count behind each target metric.
METRIC_N = {"nps": "nps_n", "cx_index": "cx_n", "csat": "csat_n", "ces": "ces_n"}


def actual_window() -> timedelta:
    """Actual means the metric over this many days up to today (or up to the target's date)."""
    return timedelta(days=settings.CEM_TARGET_ACTUAL_DAYS)


@dataclass(frozen=True)
class TargetPoint:
    period_start: date
    label: str
    value: float | None
    n: int


@dataclass(frozen=True)
class TargetProgress:
    target: ExperienceTarget
    actual: float | None
    n: int
    since: date  # the actual's window
    until: date
    state: str  # a TargetState
    expected: float | None  # where a straight line from the first month to the target is now
    trend: list[TargetPoint]

    @property
    def gap(self) -> float | None:
        """Actual minus target (positive: above target)."""
        if self.actual is None:
            return None
        return round(self.actual - float(self.target.value), 2)

    @property
    def state_label(self) -> str:
        return TargetState(self.state).label

    def as_dict(self) -> dict:
        """JSON-ready, for a plan's frozen version."""
        t = self.target
        return {
            "id": t.pk,
            "label": str(t),
            "metric": t.metric,
            "value": float(t.value),
            "due_on": t.due_on.isoformat(),
            "touch_point": t.touch_point.name if t.touch_point_id else "",
            "actual": self.actual,
            "n": self.n,
            "state": self.state,
        }


def _target_answers(
    target: ExperienceTarget, *, since: date, until: date, account_ids: frozenset[int] | None
) -> QuerySet[Answer]:
    answers = answers_in(
        ResultFilter(
            touch_point_id=target.touch_point_id,
            since=since,
            until=until,
            account_ids=account_ids,
        )
    ).filter(question_type__in=METRIC_TYPES)
    if target.vertical_market_id is not None:
        answers = answers.filter(account__vertical_market_id=target.vertical_market_id)
    if target.team_id is not None:
        # A subquery, not a join through the team's members: an account two members serve
        # must not count its answers twice.
        served = Account.objects.filter(account_team__groups=target.team_id).values("pk")
        answers = answers.filter(account_id__in=served)
    return answers


def _value(row: dict, metric: str) -> tuple[float | None, int]:
    summary = summary_from_aggregates(row, n=0)
    return getattr(summary, metric), getattr(summary, METRIC_N[metric])


def _trend(target, *, until: date, account_ids) -> list[TargetPoint]:
    answers = _target_answers(target, since=target.starts_on, until=until, account_ids=account_ids)
    rows = {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row
        for row in answers.order_by()
        .annotate(month=TruncMonth("submitted_at", output_field=DateField()))
        .values("month")
        .annotate(**metric_aggregates())
    }
    points = []
    month = target.starts_on.replace(day=1)
    while month <= until:
        row = rows.get(month)
        value, n = _value(row, target.metric) if row else (None, 0)
        points.append(
            TargetPoint(period_start=month, label=date_format(month, "M Y"), value=value, n=n)
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return points


def _state(target, actual, expected, today) -> str:
    if actual is None:
        return TargetState.NO_DATA
    goal = float(target.value)
    higher_is_better = METRICS[target.metric].higher_is_better
    reached = actual >= goal if higher_is_better else actual <= goal
    if reached:
        return TargetState.MET
    if today > target.due_on:
        return TargetState.MISSED
    if expected is not None and (actual >= expected if higher_is_better else actual <= expected):
        return TargetState.ON_TRACK
    return TargetState.BEHIND


def _expected(target, trend: list[TargetPoint], today: date) -> float | None:
    """On a straight line from the first month with a value to the target at its date."""
    first = next((p for p in trend if p.value is not None), None)
    if first is None or today >= target.due_on:
        return None
    span = (target.due_on - first.period_start).days
    if span <= 0:
        return None
    elapsed = max(0, (today - first.period_start).days)
    return round(first.value + (float(target.value) - first.value) * elapsed / span, 2)


def target_progress(
    target: ExperienceTarget,
    *,
    account_ids: frozenset[int] | None = None,
    today: date | None = None,
    with_trend: bool = True,
) -> TargetProgress:
    """`target` against actual within `account_ids` (None: every account)."""
    today = today or timezone.localdate()
    until = min(today, target.due_on)
    since = max(target.starts_on, until - actual_window())
    row = _target_answers(target, since=since, until=until, account_ids=account_ids).aggregate(
        **metric_aggregates()
    )
    actual, n = _value(row, target.metric)
    trend = _trend(target, until=until, account_ids=account_ids) if with_trend else []
    expected = _expected(target, trend, today)
    return TargetProgress(
        target=target,
        actual=actual,
        n=n,
        since=since,
        until=until,
        state=_state(target, actual, expected, today),
        expected=expected,
        trend=trend,
    )


def target_list(*, user=None, active_only: bool = True) -> QuerySet[ExperienceTarget]:
    targets = ExperienceTarget.objects.select_related("vertical_market", "team", "touch_point")
    if active_only:
        targets = targets.active()
    return targets.order_by("due_on", "pk")


def target_list_for(*, user) -> QuerySet[ExperienceTarget]:
    """The active targets that concern `user`: every one for who sees every account; else
    those of the vertical markets of the user's accounts (or of no market) and of the user's
    teams (or of no team)."""
    from django.db.models import Q

    from customers.selectors import user_sees_all_accounts

    targets = target_list()
    if user_sees_all_accounts(user):
        return targets
    markets = Account.objects.visible_to(user).values("vertical_market_id")
    return targets.filter(
        Q(vertical_market__isnull=True) | Q(vertical_market_id__in=markets),
        Q(team__isnull=True) | Q(team__in=user.groups.values("pk")),
    )


def targets_progress_for(
    *,
    user,
    targets: QuerySet[ExperienceTarget] | None = None,
    vertical_market_id: int | None = None,
    account_ids: frozenset[int] | None = None,
    today: date | None = None,
    with_trend: bool = True,
) -> list[TargetProgress]:
    """Every active target (or `targets`) against actual over the accounts `user` may see
    (without a user: `account_ids`, None for every account): what the dashboards show. With
    `vertical_market_id`, that market's targets and the targets that name no market."""
    targets = targets if targets is not None else target_list()
    if vertical_market_id is not None:
        from django.db.models import Q

        targets = targets.filter(
            Q(vertical_market_id=vertical_market_id) | Q(vertical_market__isnull=True)
        )
    if user is not None:
        account_ids = visible_account_ids(user)
    return [
        target_progress(t, account_ids=account_ids, today=today, with_trend=with_trend)
        for t in targets
    ]


def targets_for_account(
    *, account: Account, today: date | None = None, with_trend: bool = False
) -> list[TargetProgress]:
    """The targets that apply to `account` (what its plan shows), each against the actual of
    the whole scope the target names (the team's, the market's), not the one account."""
    targets = target_list().applicable_to(account)
    return [target_progress(t, today=today, with_trend=with_trend) for t in targets]
