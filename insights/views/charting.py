"""Selector results turned into the SVG charts of `insights.charts` (the same drawing for
pages, mails and PDFs): texts translated here, right-to-left from the active language."""

import hashlib

from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from .. import charts
from ..metrics import METRICS, PLACEMENT_LABELS
from ..selectors.drivers import DriverGroup
from ..selectors.loyalty import RevenueByQuadrant
from ..selectors.trends import Trend

CHART_CACHE_SECONDS = 24 * 3600
# The executive dashboard shows it in its narrow column: drawn small, its text stays legible.
REVENUE_CHART_SIZE = (4.8, 3.2)


def _cached(draw, **kwargs):
    """`draw(**kwargs)`, from the cache when the same drawing was made before: a chart is
    the same bytes for the same input, and matplotlib takes tens of milliseconds a chart."""
    shown = {k: v for k, v in kwargs.items() if not callable(v)}
    digest = hashlib.sha256(repr((draw.__name__, get_language(), sorted(shown.items()))).encode())
    key = f"insights-chart:{digest.hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = str(draw(**kwargs))
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - insights.charts built it (escaped by ElementTree)


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
    return _cached(
        charts.trend_chart,
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
    return _cached(
        charts.horizontal_bar_chart,
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

    def billed(point: RevenueByQuadrant) -> str:
        return ", ".join(
            f"{PLACEMENT_LABELS[k]} {charts.compact_number(float(point.of(k).billed))}"
            for k in order
        )

    description = "; ".join(f"{p.label}: {billed(p)}" for p in points)
    return _cached(
        charts.stacked_bar_chart,
        categories=[p.label for p in points],
        series=series,
        title=_("Billed revenue per quadrant"),
        description=description or _("No wave yet."),
        y_label=_("Billed revenue"),
        rtl=get_language_bidi(),
        chart_id=chart_id,
        size=REVENUE_CHART_SIZE,
    )


def matrix_chart(matrix, moves=()):
    """The customer matrix as `insights.diagrams` draws it for the matrix page, cached."""
    from ..diagrams import customer_matrix_svg

    return _cached(customer_matrix_svg, matrix=matrix, moves=tuple(moves), rtl=get_language_bidi())


def question_chart_svg(chart, *, chart_id: str | None = None):
    """One question's distribution: NPS bars coloured detractor / passive / promoter, other
    scales one bar per point, choices as horizontal bars."""
    from surveys.constants import CHOICE_TYPES, QuestionType

    question = chart.question
    rows = "; ".join(f"{label}: {count}" for label, count in chart.rows)
    title = _("Distribution of answers to: %(text)s") % {"text": question.text}
    description = _("%(n)s answers. %(rows)s") % {"n": chart.total, "rows": rows}
    rtl = get_language_bidi()
    chart_id = chart_id or f"question-{question.pk}"
    if question.type == QuestionType.NPS and len(chart.counts) == 11:
        return _cached(
            charts.nps_distribution_chart,
            counts=chart.counts,
            title=title,
            description=description,
            band_labels=(_("Detractors (0-6)"), _("Passives (7-8)"), _("Promoters (9-10)")),
            y_label=_("Answers"),
            rtl=rtl,
            chart_id=chart_id,
        )
    if question.type in CHOICE_TYPES:
        return _cached(
            charts.horizontal_bar_chart,
            labels=chart.labels,
            values=chart.counts,
            title=title,
            description=description,
            value_label=_("Answers"),
            rtl=rtl,
            chart_id=chart_id,
        )
    return _cached(
        charts.score_distribution_chart,
        labels=chart.labels,
        counts=chart.counts,
        title=title,
        description=description,
        y_label=_("Answers"),
        rtl=rtl,
        chart_id=chart_id,
    )


def wave_charts(comparison, shown: list[str]) -> list:
    """The waves side by side: each measured metric overall, and NPS per vertical market."""
    if not comparison.waves:
        return []
    names = [wave.name for wave in comparison.waves]
    rtl = get_language_bidi()
    overall = comparison.overall.cells
    result = []
    if shown:
        series = [
            charts.Series(name=wave.name, values=[getattr(cell, key) for key in shown])
            for wave, cell in zip(comparison.waves, overall, strict=True)
        ]
        description = "; ".join(
            f"{wave.name}: "
            + ", ".join(f"{METRICS[k].label} {_number(getattr(cell, k))}" for k in shown)
            for wave, cell in zip(comparison.waves, overall, strict=True)
        )
        result.append(
            _cached(
                charts.grouped_bar_chart,
                categories=[str(METRICS[k].label) for k in shown],
                series=series,
                title=_("Each wave's metrics, overall"),
                description=description,
                y_range=(-100, 100) if "nps" in shown else (0, 100),
                rtl=rtl,
                chart_id="waves-overall-chart",
            )
        )
    markets = comparison.vertical_markets
    if markets and "nps" in shown:
        series = [
            charts.Series(name=name, values=[group.cells[i].nps for group in markets])
            for i, name in enumerate(names)
        ]
        description = "; ".join(
            f"{group.label}: " + ", ".join(f"{c.wave.name} {_number(c.nps)}" for c in group.cells)
            for group in markets
        )
        result.append(
            _cached(
                charts.grouped_bar_chart,
                categories=[group.label for group in markets],
                series=series,
                title=_("NPS per vertical market and wave"),
                description=description,
                y_range=(-100, 100),
                rtl=rtl,
                chart_id="waves-markets-chart",
            )
        )
    return result
