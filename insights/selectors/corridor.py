"""The touch-point corridor: every touch point in corridor order with, per month or quarter,
its responses, NPS, CSAT, CES and share of low scores, each with its change from the period
before, and the weakest step marked; optionally cut by an attribute of the events behind the
responses (technician, agent, region).

Grouped queries whatever the number of answers (`corridor_counts`: answers and completed
responses GROUP BY touch point, truncated period and, for a cut, attribute value; from the
daily rollup where it serves), plus one for the touch points; the formulas are those of
`insights.metrics`.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import TouchPoint

from .. import metrics
from .aggregates import nps_from_aggregates
from .corridor_counts import PERIODS, corridor_cut, corridor_totals

PERIOD_LABELS = {"month": _("Month"), "quarter": _("Quarter")}
# An attribute name as source systems send them: letters, digits, _ . - (no JSON path syntax).
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
FIGURES = ("nps", "csat", "ces", "low_share")


@dataclass(frozen=True)
class CorridorScope:
    since: date
    until: date
    period: str = "month"
    attribute: str | None = None
    account_ids: frozenset[int] | None = None  # visibility; None: every account

    def __post_init__(self):
        if self.period not in PERIODS:
            raise ValueError(f"Not a corridor period: {self.period!r}")
        if self.attribute is not None and not ATTRIBUTE_NAME.match(self.attribute):
            raise ValueError(f"Not an attribute name: {self.attribute!r}")


def period_start(day: date, period: str) -> date:
    months = PERIODS[period][1]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def corridor_scope_for(
    user,
    *,
    since: date | None = None,
    until: date | None = None,
    period: str = "month",
    attribute: str | None = None,
    today: date | None = None,
) -> CorridorScope:
    """The scope `user` may see; by default the last twelve months or four quarters, each
    complete from its first day."""
    from customers.selectors import visible_account_ids

    until = until or today or timezone.localdate()
    if since is None:
        months = PERIODS[period][1]
        since = _add_months(period_start(until, period), -(12 // months - 1) * months)
    return CorridorScope(
        since=since,
        until=until,
        period=period,
        attribute=attribute or None,
        account_ids=visible_account_ids(user),
    )


def corridor_periods(scope: CorridorScope) -> list[date]:
    step = PERIODS[scope.period][1]
    current, last = period_start(scope.since, scope.period), period_start(scope.until, scope.period)
    periods = []
    while current <= last:
        periods.append(current)
        current = _add_months(current, step)
    return periods


@dataclass
class CorridorCell:
    period: date
    responses: int = 0
    nps: float | None = None
    nps_n: int = 0
    csat: float | None = None
    csat_n: int = 0
    ces: float | None = None
    ces_n: int = 0
    low_share: float | None = None
    scored: int = 0  # NPS, CSAT and CES answers: the base of low_share
    change: dict[str, float | None] = field(default_factory=dict)
    weakest: bool = False

    def figures(self) -> list[tuple[str, float | None, float | None]]:
        """(name, value, change from the previous period) in column order, for templates."""
        return [(name, getattr(self, name), self.change.get(name)) for name in FIGURES]


@dataclass
class CorridorLine:
    """One touch point (value None), or one value of the attribute at a touch point."""

    touch_point: TouchPoint
    value: str | None
    is_total: bool
    cells: list[CorridorCell]

    @property
    def responses(self) -> int:
        return sum(cell.responses for cell in self.cells)


@dataclass(frozen=True)
class CorridorStep:
    line: CorridorLine
    cell: CorridorCell


@dataclass(frozen=True)
class Corridor:
    scope: CorridorScope
    periods: list[date]
    lines: list[CorridorLine]  # corridor order; with a cut, each total before its values
    weakest_step: CorridorStep | None  # the latest period's highest share of low scores
    biggest_rise: CorridorStep | None  # the touch point and period where low scores rose most
    min_answers: int


def _cell(period: date, row: dict | None, responses: int) -> CorridorCell:
    if row is None:
        return CorridorCell(period=period, responses=responses)
    return CorridorCell(
        period=period,
        responses=responses,
        nps=nps_from_aggregates(row),
        nps_n=row["nps_n"],
        csat=metrics.csat(row["csat_satisfied"], row["csat_n"]),
        csat_n=row["csat_n"],
        ces=metrics.mean(row["ces_total"] / row["ces_values"] if row["ces_values"] else None),
        ces_n=row["ces_n"],
        low_share=metrics.low_score_share(row["low"], row["scored"]),
        scored=row["scored"],
    )


def _change(current: float | None, previous: float | None, digits: int) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, digits)


def _with_changes(cells: list[CorridorCell]) -> list[CorridorCell]:
    if cells:
        cells[0].change = dict.fromkeys(FIGURES)  # no period before the first
    for previous, cell in zip(cells, cells[1:], strict=False):
        cell.change = {
            name: _change(getattr(cell, name), getattr(previous, name), 2 if name == "ces" else 1)
            for name in FIGURES
        }
    return cells


def _mark_weakest(lines: list[CorridorLine], periods: list[date], min_answers: int) -> None:
    """Per period, the line with the highest share of low scores (on at least `min_answers`
    scored answers) is the weakest; the first in corridor order wins a tie."""
    for index, _period in enumerate(periods):
        candidates = [
            line
            for line in lines
            if line.cells[index].scored >= min_answers and line.cells[index].low_share is not None
        ]
        if candidates:
            weakest = max(candidates, key=lambda line: line.cells[index].low_share)
            weakest.cells[index].weakest = True


def _lines(scope, periods, touch_points, grouped, *, is_total) -> list[CorridorLine]:
    answer_rows, response_rows = grouped
    response_counts = {key: row["responses"] for key, row in response_rows.items()}
    keys = {(tp, value) for (tp, value, _p) in (*answer_rows, *response_counts)}
    lines = []
    for touch_point in touch_points:
        values = sorted((v for tp, v in keys if tp == touch_point.pk), key=lambda v: (v is None, v))
        if is_total and not values:
            values = [None]  # a touch point without answers still has its place in the corridor
        for value in values:
            cells = [
                _cell(
                    period,
                    answer_rows.get((touch_point.pk, value, period)),
                    response_counts.get((touch_point.pk, value, period), 0),
                )
                for period in periods
            ]
            lines.append(CorridorLine(touch_point, value, is_total, _with_changes(cells)))
    return lines


def corridor(*, scope: CorridorScope) -> Corridor:
    """The corridor of `scope`; with an attribute, each touch point's total line is followed
    by one line per value of the attribute (None: responses whose event had none)."""
    min_answers = settings.CEM_CORRIDOR_MIN_ANSWERS
    periods = corridor_periods(scope)
    totals_grouped = corridor_totals(scope)
    with_data = {tp for (tp, _v, _p) in (*totals_grouped[0], *totals_grouped[1])}
    touch_points = list(
        TouchPoint.objects.filter(Q(is_active=True) | Q(pk__in=with_data)).order_by(
            "corridor_position", "code"
        )
    )
    totals = _lines(scope, periods, touch_points, totals_grouped, is_total=True)
    _mark_weakest(totals, periods, min_answers)
    lines = totals
    if scope.attribute:
        # Only touch points whose events carried the attribute get lines of values: elsewhere
        # one line would only repeat the total.
        cut = corridor_cut(scope, totals_grouped)
        values = _lines(scope, periods, touch_points, cut, is_total=False)
        for touch_point in touch_points:
            _mark_weakest(
                [line for line in values if line.touch_point == touch_point], periods, min_answers
            )
        lines = []
        for total in totals:
            lines.append(total)
            lines.extend(line for line in values if line.touch_point == total.touch_point)
    weakest_step = None
    for index in range(len(periods) - 1, -1, -1):
        marked = [line for line in totals if line.cells[index].weakest]
        if marked:
            weakest_step = CorridorStep(line=marked[0], cell=marked[0].cells[index])
            break
    return Corridor(
        scope=scope,
        periods=periods,
        lines=lines,
        weakest_step=weakest_step,
        biggest_rise=_biggest_rise(totals, min_answers),
        min_answers=min_answers,
    )


def _biggest_rise(totals: list[CorridorLine], min_answers: int) -> CorridorStep | None:
    """The largest rise of the share of low scores from one period to the next, both periods
    with at least `min_answers` scored answers; None when nothing rose."""
    rises = [
        CorridorStep(line=line, cell=cell)
        for line in totals
        for previous, cell in zip(line.cells, line.cells[1:], strict=False)
        if previous.scored >= min_answers
        and cell.scored >= min_answers
        and (cell.change.get("low_share") or 0) > 0
    ]
    return max(rises, key=lambda step: step.cell.change["low_share"], default=None)
