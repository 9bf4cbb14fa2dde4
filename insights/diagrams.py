"""The charts of the insights views, drawn from what their selectors return: one function per
view, so that pages, mails and PDFs draw the same figure (`insights.charts` draws, this module
decides what goes in and writes the text alternative)."""

from collections import Counter
from collections.abc import Sequence

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import charts, metrics
from .selectors.corridor import Corridor
from .selectors.matrix import CustomerMatrix, MatrixMove


def _money(value: float) -> str:
    return number_format(round(value), use_l10n=True, force_grouping=True)


# A bubble chart stops being readable (and takes seconds to draw) long before a customer base
# does: beyond this many placed accounts it draws the largest, by forecast then billed revenue.
MATRIX_CHART_MAX_ACCOUNTS = 250


def customer_matrix_svg(
    matrix: CustomerMatrix, moves: Sequence[MatrixMove] = (), *, rtl: bool = False
) -> SafeString:
    """The matrix as a bubble chart: placed accounts only (the largest MATRIX_CHART_MAX_ACCOUNTS),
    each linked to its account page; an arrow from where an account that changed quadrant was
    in the compared wave."""
    rule = matrix.rule
    metric = metrics.METRICS[rule.metric]
    placed = [account for account in matrix.accounts if account.placed]
    drawn = sorted(placed, key=lambda a: (-a.forecast_revenue, -a.billed_revenue, a.name))[
        :MATRIX_CHART_MAX_ACCOUNTS
    ]
    # Arrows for the accounts that changed quadrant: the movement worth seeing.
    before = {m.after.id: m.before for m in moves if m.placed_in_both and m.changed}
    points = [
        charts.MatrixPoint(
            name=account.name,
            satisfaction=account.satisfaction,
            billed=float(account.billed_revenue),
            forecast=float(account.forecast_revenue),
            quadrant=account.quadrant,
            url=reverse("insights:account", args=[account.id]),
            previous_satisfaction=before[account.id].satisfaction if account.id in before else None,
            previous_billed=(
                float(before[account.id].billed_revenue) if account.id in before else None
            ),
        )
        for account in drawn
    ]
    counts = Counter(account.quadrant for account in matrix.accounts)
    labels = metrics.PLACEMENT_LABELS
    description = _(
        "%(placed)s accounts placed by %(metric)s (horizontal, high from %(threshold)s) and "
        "billed revenue (vertical, high above %(revenue)s); bubble size is forecast revenue. "
        "%(model_label)s: %(model)s, %(at_risk_label)s: %(at_risk)s, %(growth_label)s: "
        "%(growth)s, %(dangling_label)s: %(dangling)s; %(insufficient)s with too few answers "
        "are not drawn."
    ) % {
        "placed": len(placed),
        "metric": metric.label,
        "threshold": number_format(rule.satisfaction_threshold, use_l10n=True),
        "revenue": _money(rule.revenue_threshold),
        "model_label": labels["model"],
        "model": counts["model"],
        "at_risk_label": labels["at_risk"],
        "at_risk": counts["at_risk"],
        "growth_label": labels["growth"],
        "growth": counts["growth"],
        "dangling_label": labels["dangling"],
        "dangling": counts["dangling"],
        "insufficient": counts[metrics.INSUFFICIENT],
    }
    if len(drawn) < len(placed):
        description += " " + _(
            "The %(drawn)s accounts with the largest forecast revenue are drawn; the tables "
            "list all %(placed)s."
        ) % {"drawn": len(drawn), "placed": len(placed)}
    arrows = sum(1 for account in drawn if account.id in before)
    if arrows:
        description += " " + ngettext(
            "An arrow shows where %(count)s account was in the compared wave.",
            "Arrows show where %(count)s accounts were in the compared wave.",
            arrows,
        ) % {"count": arrows}
    return charts.customer_matrix_chart(
        points=points,
        title=_("Customer matrix"),
        description=description,
        satisfaction_label=str(metric.label),
        revenue_label=_("Billed revenue"),
        satisfaction_scale=metric.scale,
        satisfaction_threshold=rule.satisfaction_threshold,
        revenue_threshold=rule.revenue_threshold,
        quadrant_labels=charts.QuadrantLabels(
            model=str(labels["model"]),
            at_risk=str(labels["at_risk"]),
            growth=str(labels["growth"]),
            dangling=str(labels["dangling"]),
        ),
        rtl=rtl,
        chart_id="customer-matrix",
    )


def corridor_svg(corridor: Corridor, *, period_label: str, rtl: bool = False) -> SafeString:
    """The share of low scores per touch point in one period (the weakest step's, or the
    latest), the weakest step in the highlight colour."""
    index = (
        corridor.periods.index(corridor.weakest_step.cell.period)
        if corridor.weakest_step
        else len(corridor.periods) - 1
    )
    totals = [line for line in corridor.lines if line.is_total]
    values = [line.cells[index].low_share for line in totals]
    highlight = next((i for i, line in enumerate(totals) if line.cells[index].weakest), None)
    weakest = totals[highlight].touch_point.name if highlight is not None else _("none")
    description = _(
        "Share of low scores (NPS 0-6, CSAT 1-2, effort 1-3) per touch point in corridor order, "
        "%(period)s: %(values)s. Weakest step: %(weakest)s."
    ) % {
        "period": period_label,
        "values": "; ".join(
            f"{line.touch_point.name} "
            + ("—" if value is None else f"{number_format(value, use_l10n=True)}%")
            for line, value in zip(totals, values, strict=True)
        ),
        "weakest": weakest,
    }
    return charts.horizontal_bar_chart(
        labels=[line.touch_point.name for line in totals],
        values=values,
        title=_("Share of low scores, %(period)s") % {"period": period_label},
        description=description,
        highlight=highlight,
        value_label=_("Low scores (%)"),
        value_range=(0, 100),
        format_value=lambda value: f"{value:.0f}%",
        rtl=rtl,
        chart_id="corridor",
    )
