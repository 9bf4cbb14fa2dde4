"""Selector results turned into the SVG charts of `insights.charts` (the same drawing for
pages, mails and PDFs): texts translated here, right-to-left from the active language."""

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from .. import charts
from ..metrics import METRICS, PLACEMENT_LABELS
from ..selectors.drivers import DriverGroup
from ..selectors.loyalty import RevenueByQuadrant
from ..selectors.trends import Trend


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value is not None else "–"


def trend_chart(trend: Trend, *, chart_id: str | None = None):
    metric = METRICS[trend.metric]
    values = [p.value for p in trend.points if p.value is not None]
    shown = ", ".join(
        f"{p.label}: {_number(p.value)}" + (f" (±{_number(p.margin)})" if p.margin else "")
        for p in trend.points
        if p.value is not None
    )
    description = _(
        "%(metric)s per period with its %(confidence)s%% confidence band; "
        "%(changes)s significant changes marked. %(values)s"
    ) % {
        "metric": metric.label,
        "confidence": round(trend.confidence * 100),
        "changes": trend.significant_changes,
        "values": shown or _("No answers yet."),
    }
    return charts.trend_chart(
        points=[
            charts.TrendPoint(
                label=p.label, value=p.value, low=p.low, high=p.high, significant=p.significant
            )
            for p in trend.points
        ],
        title=_("%(metric)s over time") % {"metric": metric.label},
        description=description,
        series_label=str(metric.label),
        band_label=_("%(confidence)s%% confidence interval")
        % {"confidence": round(trend.confidence * 100)},
        significant_label=_("Significant change"),
        y_range=metric.scale if not values else None,
        rtl=get_language_bidi(),
        chart_id=chart_id,
    )


def drivers_chart(group: DriverGroup, labels: dict[str, str], *, chart_id: str | None = None):
    drivers = group.analysis.ranked() if group.analysis else []
    names = [labels.get(d.name, d.name) for d in drivers]
    shares = [d.share for d in drivers]
    description = "; ".join(
        f"{name}: {_number(share)}%" for name, share in zip(names, shares, strict=True)
    )
    return charts.horizontal_bar_chart(
        labels=names,
        values=shares,
        title=_("Relative importance, %(group)s") % {"group": group.label},
        description=description or _("No driver could be estimated."),
        highlight=0 if drivers else None,
        value_label=_("Share of explained variance (%)"),
        value_range=(0, 100),
        format_value=lambda v: f"{v:.0f}%",
        rtl=get_language_bidi(),
        chart_id=chart_id,
    )


def revenue_chart(points: list[RevenueByQuadrant], *, chart_id: str | None = None):
    order = ("at_risk", "model", "growth", "dangling")
    series = [
        charts.Series(
            name=str(PLACEMENT_LABELS[key]),
            values=[float(p.of(key).billed) for p in points],
            color=charts.QUADRANT_COLORS[key],
        )
        for key in order
    ]
    description = "; ".join(
        f"{p.label}: "
        + ", ".join(f"{PLACEMENT_LABELS[k]} {charts.compact_number(float(p.of(k).billed))}" for k in order)
        for p in points
    )
    return charts.stacked_bar_chart(
        categories=[p.label for p in points],
        series=series,
        title=_("Billed revenue per quadrant"),
        description=description or _("No wave yet."),
        y_label=_("Billed revenue"),
        rtl=get_language_bidi(),
        chart_id=chart_id,
    )
