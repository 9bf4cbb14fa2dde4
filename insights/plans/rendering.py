"""A plan's content (the JSON of `selectors.documents.plan_content`, frozen in a version) made
ready for a page or a PDF in one language: translated labels, dates as dates, the score table
and the charts of the insights pages (matrix position, trend, corridor) drawn by
`insights.charts`. The customer view, the staff PDF and the exports all come through here."""

import base64
from dataclasses import dataclass
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from customers.constants import RTL_LANGUAGES
from surveys.constants import Driver

from .. import charts, metrics
from ..metrics import METRICS, PLACEMENT_LABELS
from .constants import ActionStatus, OwnerSide, TargetState

SCORE_METRICS = ("nps", "cx_index", "csat", "ces")
N_KEYS = {"nps": "nps_n", "cx_index": "cx_n", "csat": "csat_n", "ces": "ces_n"}
STATUS_TAGS = {
    ActionStatus.PLANNED: "info",
    ActionStatus.IN_PROGRESS: "warn",
    ActionStatus.DONE: "good",
    ActionStatus.CANCELLED: "bad",
}


@dataclass(frozen=True)
class PlanChart:
    """A chart's inline SVG and its text alternative. Pages under the public CSP (no inline
    styles) show it as a `data:` image, where the SVG's own styles apply; PDFs inline it."""

    svg: str
    alt: str

    def __str__(self) -> str:
        return self.svg

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


@dataclass(frozen=True)
class ScoreRow:
    key: str
    label: str
    value: float | None
    n: int
    previous: float | None
    change: float | None
    vertical: float | None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def score_rows(scores: dict) -> list[ScoreRow]:
    """One row per metric the account has answers for."""
    mine = scores.get("account") or {}
    previous = scores.get("previous") or {}
    vertical = scores.get("vertical") or {}
    rows = []
    for key in SCORE_METRICS:
        value = mine.get(key)
        if value is None and previous.get(key) is None:
            continue
        before = previous.get(key)
        change = None if value is None or before is None else round(value - before, 2)
        rows.append(
            ScoreRow(
                key=key,
                label=str(METRICS[key].label),
                value=value,
                n=mine.get(N_KEYS[key], 0),
                previous=before,
                change=change,
                vertical=vertical.get(key),
            )
        )
    return rows


def _matrix_chart(matrix: dict, account: str, *, rtl: bool):
    current = matrix.get("current")
    if not current or current.get("quadrant") == metrics.INSUFFICIENT:
        return None
    previous = matrix.get("previous")
    moved_from = previous if previous and previous.get("satisfaction") is not None else None
    metric = matrix["metric"]
    point = charts.MatrixPoint(
        name=account,
        satisfaction=current["satisfaction"],
        billed=current["billed"],
        forecast=current["forecast"],
        quadrant=current["quadrant"],
        previous_satisfaction=moved_from["satisfaction"] if moved_from else None,
        previous_billed=moved_from["billed"] if moved_from else None,
    )
    quadrant = PLACEMENT_LABELS[current["quadrant"]]
    description = _("%(account)s is in the %(quadrant)s quadrant.") % {
        "account": account,
        "quadrant": quadrant,
    }
    svg = charts.customer_matrix_chart(
        points=[point],
        title=_("Position in the customer matrix"),
        description=description,
        satisfaction_label=str(METRICS[metric].label),
        revenue_label=_("Billed revenue"),
        satisfaction_scale=METRICS[metric].scale,
        satisfaction_threshold=matrix["satisfaction_threshold"],
        revenue_threshold=matrix["revenue_threshold"],
        quadrant_labels=charts.QuadrantLabels(
            model=str(PLACEMENT_LABELS["model"]),
            at_risk=str(PLACEMENT_LABELS["at_risk"]),
            growth=str(PLACEMENT_LABELS["growth"]),
            dangling=str(PLACEMENT_LABELS["dangling"]),
        ),
        rtl=rtl,
        chart_id="plan-matrix",
    )
    return PlanChart(svg=svg, alt=f"{_('Position in the customer matrix')}: {description}")


def _trend_chart(trend: list[dict], *, rtl: bool):
    if not any(point.get("nps") is not None for point in trend):
        return None
    points = [charts.TrendPoint(label=p["label"], value=p.get("nps")) for p in trend]
    values = ", ".join(f"{p['label']}: {p['nps'] if p['nps'] is not None else '—'}" for p in trend)
    svg = charts.trend_chart(
        points=points,
        title=_("Relationship NPS by wave"),
        description=values,
        series_label=_("NPS"),
        y_range=(-100, 100),
        rtl=rtl,
        chart_id="plan-trend",
    )
    return PlanChart(svg=svg, alt=f"{_('Relationship NPS by wave')}: {values}")


def _corridor_chart(touch_points: list[dict], *, rtl: bool):
    rows = [tp for tp in touch_points if tp.get("low_share") is not None]
    if not rows:
        return None
    description = ", ".join(f"{tp['name']}: {tp['low_share']}%" for tp in rows)
    svg = charts.horizontal_bar_chart(
        labels=[tp["name"] for tp in rows],
        values=[tp["low_share"] for tp in rows],
        title=_("Share of low scores per touch point"),
        description=description,
        highlight=0,
        value_label=_("Low scores (%)"),
        value_range=(0, 100),
        rtl=rtl,
        chart_id="plan-corridor",
    )
    return PlanChart(svg=svg, alt=f"{_('Share of low scores per touch point')}: {description}")


def target_chart(progress, *, rtl: bool) -> PlanChart | None:
    """A target's monthly trend with the target as a line (dashboards and the monthly pack)."""
    trend = progress.trend
    if not any(point.value is not None for point in trend):
        return None
    target = progress.target
    metric = METRICS[target.metric]
    description = ", ".join(f"{p.label}: {p.value if p.value is not None else '—'}" for p in trend)
    svg = charts.trend_chart(
        points=[charts.TrendPoint(label=p.label, value=p.value) for p in trend],
        title=str(target),
        description=description,
        series_label=str(metric.label),
        y_range=metric.scale,
        target=float(target.value),
        target_label=_("Target %(value)s by %(date)s")
        % {"value": target.value, "date": target.due_on.isoformat()},
        rtl=rtl,
        chart_id=f"target-{target.pk}",
    )
    return PlanChart(svg=svg, alt=f"{target}: {description}")


def document_context(content: dict, *, language: str, charts_wanted: bool = True) -> dict:
    """The template context of a plan's page or PDF in `language` (call it inside
    translation.override, or it overrides itself)."""
    with translation.override(language):
        rtl = language in RTL_LANGUAGES
        evidence = content.get("evidence") or {}
        scope = evidence.get("scope") or {}
        matrix = evidence.get("matrix") or {}
        current = matrix.get("current") or {}
        previous = matrix.get("previous") or {}
        actions = [
            {
                **action,
                "due": _day(action.get("due_date")),
                "status_label": _label(ActionStatus, action["status"]),
                "status_tag": STATUS_TAGS.get(action["status"], "info"),
                "owner_side_label": _label(OwnerSide, action["owner_side"]),
                "theme_label": _label(Driver, action.get("theme") or ""),
            }
            for action in content.get("actions", [])
        ]
        findings = [
            {**finding, "theme_label": _label(Driver, finding.get("theme") or "")}
            for finding in content.get("findings", [])
        ]
        verbatims = [
            {**verbatim, "date": _day(verbatim.get("submitted_at"))}
            for verbatim in content.get("verbatims", [])
        ]
        targets = [
            {
                **target,
                "metric_label": str(METRICS[target["metric"]].label),
                "state_label": _label(TargetState, target["state"]),
                "due": _day(target["due_on"]),
            }
            for target in content.get("targets", [])
        ]
        context = {
            "content": content,
            "language": language,
            "rtl": rtl,
            "account_name": content["account"],
            "period_start": _day(content["period_start"]),
            "period_end": _day(content["period_end"]),
            "scope": scope,
            "transactions_since": _day(scope.get("transactions_since")),
            "score_rows": score_rows(evidence.get("scores") or {}),
            "matrix": matrix,
            "quadrant_label": PLACEMENT_LABELS.get(current.get("quadrant"), ""),
            "previous_quadrant_label": PLACEMENT_LABELS.get(previous.get("quadrant"), ""),
            "touch_points": evidence.get("touch_points") or [],
            "findings": findings,
            "actions": actions,
            "verbatims": verbatims,
            "targets": targets,
        }
        if charts_wanted:
            context.update(
                matrix_svg=_matrix_chart(matrix, content["account"], rtl=rtl),
                trend_svg=_trend_chart(evidence.get("trend") or [], rtl=rtl),
                corridor_svg=_corridor_chart(evidence.get("touch_points") or [], rtl=rtl),
            )
            context["charts_list"] = [
                chart
                for chart in (context["trend_svg"], context["matrix_svg"], context["corridor_svg"])
                if chart is not None
            ]
        return context


def plan_pdf(content: dict, *, language: str, draft: bool = False) -> bytes:
    """The plan's PDF in `language` (cover, scores with charts, findings, actions, page X of
    Y) through the one PDF function of the project."""
    from ..reports import render_report_pdf

    with translation.override(language):
        context = document_context(content, language=language)
        # Isolated left to right: in a Persian PDF the two dates would otherwise swap places.
        period = (
            f"\u2066{context['period_start']:%Y-%m-%d} – {context['period_end']:%Y-%m-%d}\u2069"
        )
        context.update(
            title=content["title"],
            kicker=content["account"],
            subtitle=content.get("wave") or period,
            footer_note=(_("Draft") if draft else _("Version %(n)s") % {"n": content["version"]}),
            cover_lines=[
                (_("Account"), content["account"]),
                (_("Vertical market"), content["vertical_market"]),
                (_("Period"), period),
                *([(_("Relationship wave"), content["wave"])] if content.get("wave") else []),
                (_("Version"), str(content["version"]) + (f" ({_('draft')})" if draft else "")),
            ],
            draft=draft,
        )
        return render_report_pdf("insights/reports/action_plan.html", context, language=language)
