"""Trends: a metric per month or quarter with its confidence interval, and a flag only where
the change from the period before is statistically significant.

One GROUP BY per call whatever the number of answers: per period the counts, sums and sums
of squares of every metric (NPS promoters/detractors, CSAT shares and means, CES, CX items).
On PostgreSQL, a scope without accounts reads the days before the rollup's `through` from the
daily rollup (`insights.rollup`: Σcount, Σnumber·count, Σnumber²·count are exact) and today's
answers raw, like `metric_summary`. The published values come from `insights.metrics`, the
intervals and tests from `insights.stats`.

The CX index is the mean of three items that one respondent answers together, so its items
are not independent observations. Its interval and test use the spread of single items (at
least the spread of a respondent's mean of three) over the number of item sets (answers / 3):
conservative, never narrower than a per-respondent interval.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from customers.selectors import visible_account_ids

from .. import metrics, rollup, stats
from ..models import AnswerDay
from .aggregates import METRIC_TYPES, ResultFilter, _metric_filters, answers_in

PERIODS = {"month": (TruncMonth, 1), "quarter": (TruncQuarter, 3)}
PERIOD_LABELS = {"month": _("Month"), "quarter": _("Quarter")}
# The metrics a trend can follow, in menu order.
TREND_METRICS = ("nps", "cx_index", "csat", "csat_mean", "ces")
CX_ITEMS_PER_SET = 3
DEFAULT_PERIODS = {"month": 12, "quarter": 4}


@dataclass(frozen=True)
class TrendScope:
    since: date
    until: date
    period: str = "month"
    survey_id: int | None = None
    touch_point_id: int | None = None
    account_id: int | None = None
    vertical_market_id: int | None = None
    account_ids: frozenset[int] | None = None  # visibility; None: every account

    def __post_init__(self):
        if self.period not in PERIODS:
            raise ValueError(f"Not a trend period: {self.period!r}")

    @property
    def by_account(self) -> bool:
        """Whether the scope names accounts (then the rollup, which has none, cannot serve)."""
        return not (
            self.account_id is None and self.account_ids is None and self.vertical_market_id is None
        )


def period_start(day: date, period: str) -> date:
    months = PERIODS[period][1]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def trend_periods(scope: TrendScope) -> list[date]:
    step = PERIODS[scope.period][1]
    current, last = period_start(scope.since, scope.period), period_start(scope.until, scope.period)
    periods = []
    while current <= last:
        periods.append(current)
        current = _add_months(current, step)
    return periods


def period_label(start: date, period: str) -> str:
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return date_format(start, "M Y")


def trend_scope_for(
    user,
    *,
    period: str = "month",
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
    **filters,
) -> TrendScope:
    """The scope `user` may see; by default the last twelve months or four quarters, each
    complete from its first day."""
    until = until or today or timezone.localdate()
    if since is None:
        months = PERIODS[period][1]
        since = _add_months(period_start(until, period), -(DEFAULT_PERIODS[period] - 1) * months)
    return TrendScope(
        since=since, until=until, period=period, account_ids=visible_account_ids(user), **filters
    )


# ------------------------------------------------------------------ the one grouped aggregate

# Per metric: the filter of metric_aggregates() whose answers it reads.
_MOMENT_FILTERS = {"csat": "csat", "ces": "ces", "cx": "cx"}


def _aggregates(*, rows, total, squares) -> dict:
    """Per period: NPS counts, CSAT satisfied, and n / Σx / Σx² of CSAT, CES and CX items.
    rows(q): rows matching q; total(q): Σ number; squares(q): Σ number²."""
    q = _metric_filters()
    aggregates = {
        "promoters": rows(q["promoters"]),
        "detractors": rows(q["detractors"]),
        "nps_n": rows(q["nps"]),
        "csat_satisfied": rows(q["csat_satisfied"]),
    }
    for key, name in _MOMENT_FILTERS.items():
        aggregates[f"{key}_n"] = rows(q[name])
        aggregates[f"{key}_total"] = total(q[name])
        aggregates[f"{key}_squares"] = squares(q[name])
    return aggregates


def _raw_rows(scope: TrendScope, *, from_: datetime | None = None) -> list[dict]:
    truncate = PERIODS[scope.period][0]
    answers = answers_in(
        ResultFilter(
            survey_id=scope.survey_id,
            touch_point_id=scope.touch_point_id,
            account_id=scope.account_id,
            since=scope.since,
            until=scope.until,
            account_ids=scope.account_ids,
        )
    ).filter(question_type__in=METRIC_TYPES)
    if scope.vertical_market_id is not None:
        answers = answers.filter(account__vertical_market_id=scope.vertical_market_id)
    if from_ is not None:
        answers = answers.filter(submitted_at__gte=from_)
    return list(
        answers.order_by()
        .annotate(p=truncate("submitted_at", output_field=DateField()))
        .values("p")
        .annotate(
            **_aggregates(
                rows=lambda q: Count("question_type", filter=q),
                total=lambda q: Sum("number", filter=q),
                squares=lambda q: Sum(F("number") * F("number"), filter=q),
            )
        )
    )


def _rolled_rows(scope: TrendScope, through: datetime) -> list[dict]:
    truncate = PERIODS[scope.period][0]
    last_rolled_day = timezone.localtime(through).date() - timedelta(days=1)
    rolled = AnswerDay.objects.filter(
        day__gte=scope.since,
        day__lte=min(scope.until, last_rolled_day),
        question_type__in=METRIC_TYPES,
    )
    if scope.survey_id is not None:
        rolled = rolled.filter(survey_id=scope.survey_id)
    if scope.touch_point_id is not None:
        rolled = rolled.filter(touch_point_id=scope.touch_point_id)
    return list(
        rolled.order_by()
        .annotate(p=truncate("day", output_field=DateField()))
        .values("p")
        .annotate(
            **_aggregates(
                rows=lambda q: Sum("count", filter=q),
                total=lambda q: Sum(F("number") * F("count"), filter=q),
                squares=lambda q: Sum(F("number") * F("number") * F("count"), filter=q),
            )
        )
    )


def _period_key(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def period_aggregates(scope: TrendScope) -> dict[date, dict]:
    """{period start: summed aggregates} for every period of the scope that has answers."""
    state = None if scope.by_account else rollup.state()
    if state is not None and scope.since < timezone.localtime(state.through).date():
        rows = _rolled_rows(scope, state.through)
        if scope.until >= timezone.localtime(state.through).date():
            rows += _raw_rows(scope, from_=state.through)
    else:
        rows = _raw_rows(scope)
    summed: dict[date, dict] = {}
    for row in rows:
        key = _period_key(row.pop("p"))
        into = summed.setdefault(key, {})
        for name, value in row.items():
            into[name] = into.get(name, 0) + (value or 0)
    return summed


# ------------------------------------------------------------------ values, intervals, tests


@dataclass(frozen=True)
class TrendPeriod:
    period: date
    label: str
    value: float | None  # the published metric (insights.metrics), rounded as published
    low: float | None  # confidence interval, None when too few answers
    high: float | None
    n: int  # answers behind the value (CX index: sets of its three items)
    too_few: bool
    change: float | None = None  # from the last period before with answers (unrounded)
    p_value: float | None = None
    significant: bool = False  # only True where the test says so

    @property
    def margin(self) -> float | None:
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class Trend:
    metric: str
    scope: TrendScope
    points: list[TrendPeriod]
    confidence: float = stats.DEFAULT_CONFIDENCE
    alpha: float = stats.DEFAULT_ALPHA
    min_n: int = stats.DEFAULT_MIN_N
    significant_changes: int = field(init=False, default=0)

    def __post_init__(self):
        object.__setattr__(
            self, "significant_changes", sum(1 for p in self.points if p.significant)
        )

    @property
    def latest(self) -> TrendPeriod | None:
        """The last period with a value."""
        return next((p for p in reversed(self.points) if p.value is not None), None)


def _nps_counts(row: dict) -> stats.NpsCounts:
    promoters, detractors = int(row.get("promoters", 0)), int(row.get("detractors", 0))
    return stats.NpsCounts(promoters, int(row.get("nps_n", 0)) - promoters - detractors, detractors)


def _sums(row: dict, key: str) -> stats.MeanSums:
    return stats.MeanSums(
        int(row.get(f"{key}_n", 0)),
        float(row.get(f"{key}_total", 0)),
        float(row.get(f"{key}_squares", 0)),
    )


def _cx_sets(sums: stats.MeanSums) -> stats.MeanSums:
    """The CX items' sums rescaled to n = item sets (same mean, same spread): see the module."""
    sets = sums.n // CX_ITEMS_PER_SET
    if sets == 0 or sums.n == 0:
        return stats.MeanSums(0, 0.0, 0.0)
    ratio = sets / sums.n
    return stats.MeanSums(sets, sums.total * ratio, sums.sum_squares * ratio)


def _cx_point(value: float | None) -> float | None:
    """A mean of the 1-5 items on the CX index's 0-100 scale, unrounded."""
    if value is None:
        return None
    low, high = metrics.CX_ITEM_SCALE
    return 100.0 * (value - low) / (high - low)


def _estimate(metric: str, row: dict):
    """(published value, interval, test input) of `metric` for one period's aggregates."""
    if metric == "nps":
        counts = _nps_counts(row)
        interval = stats.nps_interval(**counts._asdict())
        return metrics.nps(*counts), interval, counts
    if metric == "csat":
        sample = stats.Proportion(int(row.get("csat_satisfied", 0)), int(row.get("csat_n", 0)))
        interval = stats.proportion_interval(successes=sample.successes, n=sample.n)
        return metrics.csat(sample.successes, sample.n), interval, sample
    key = {"csat_mean": "csat", "ces": "ces", "cx_index": "cx"}[metric]
    sums = _sums(row, key)
    mean = sums.total / sums.n if sums.n else None
    if metric == "cx_index":
        tested = _cx_sets(sums)
        interval = stats.mean_interval(
            n=tested.n, total=tested.total, sum_squares=tested.sum_squares
        )
        interval = replace(
            interval,
            value=_cx_point(interval.value),
            low=_cx_point(interval.low),
            high=_cx_point(interval.high),
        )
        return metrics.cx_index(mean), interval, tested
    interval = stats.mean_interval(n=sums.n, total=sums.total, sum_squares=sums.sum_squares)
    return metrics.mean(mean), interval, sums


def _test(metric: str, before, after) -> stats.Change:
    if metric == "nps":
        return stats.nps_change(before=before, after=after)
    if metric == "csat":
        return stats.proportion_change(before=before, after=after)
    change = stats.mean_change(before=before, after=after)
    if metric == "cx_index" and change.difference is not None:
        scale = 100.0 / (metrics.CX_ITEM_SCALE[1] - metrics.CX_ITEM_SCALE[0])
        change = replace(change, difference=change.difference * scale)
    return change


def trend_from_aggregates(*, metric: str, scope: TrendScope, aggregates: dict[date, dict]) -> Trend:
    """The trend of `metric` over the scope's periods, from `period_aggregates` output."""
    if metric not in TREND_METRICS:
        raise ValueError(f"Not a trend metric: {metric!r}")
    points: list[TrendPeriod] = []
    previous = None
    for start in trend_periods(scope):
        value, interval, sample = _estimate(metric, aggregates.get(start, {}))
        change = _test(metric, previous, sample) if previous is not None else None
        points.append(
            TrendPeriod(
                period=start,
                label=period_label(start, scope.period),
                value=value,
                low=interval.low,
                high=interval.high,
                n=interval.n,
                too_few=interval.too_few,
                change=change.difference if change else None,
                p_value=change.p_value if change else None,
                significant=bool(change and change.significant),
            )
        )
        if interval.n:  # a period without answers is skipped: the next compares with the last
            previous = sample
    return Trend(metric=metric, scope=scope, points=points)


def metric_trend(*, scope: TrendScope, metric: str = "nps") -> Trend:
    """`metric` per period of `scope`; one grouped query (two with the rollup's raw tail)."""
    return trend_from_aggregates(metric=metric, scope=scope, aggregates=period_aggregates(scope))


def metric_trends(*, scope: TrendScope, names: tuple[str, ...] = TREND_METRICS) -> dict[str, Trend]:
    """Several metrics' trends from the same grouped query."""
    aggregates = period_aggregates(scope)
    return {m: trend_from_aggregates(metric=m, scope=scope, aggregates=aggregates) for m in names}
