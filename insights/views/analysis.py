"""Staff analysis pages: trends, key drivers and loyalty outcomes, each with its table as
CSV or XLSX (`?format=csv|xlsx`). Thin views over the selectors of the same names."""

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.selectors import visible_account_ids

from ..exports import Table, export_response, requested_format
from ..forms import WaveChoiceField
from ..forms_analysis import DriverFilterForm, TrendFilterForm
from ..metrics import METRICS
from ..selectors.drivers import key_driver_report
from ..selectors.loyalty import loyalty_outcomes, wave_next
from ..selectors.matrix import relationship_waves
from ..selectors.trends import metric_trend
from .charting import drivers_chart, trend_chart


def _query_without_format(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


# ------------------------------------------------------------------ trends


def trend_table(trend) -> Table:
    metric = METRICS[trend.metric]
    return Table(
        name=f"trend-{trend.metric}",
        headers=[
            _("Period"),
            str(metric.label),
            _("Low"),
            _("High"),
            _("Margin of error"),
            "n",
            _("Change"),
            _("p-value"),
            _("Significant"),
        ],  # fmt: skip
        rows=(
            [p.period, p.value, p.low, p.high, p.margin, p.n, p.change, p.p_value, p.significant]
            for p in trend.points
        ),
    )


@staff_member_required
def trends_page(request: HttpRequest) -> HttpResponse:
    form = TrendFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    scope, metric = form.scope()
    trend = metric_trend(scope=scope, metric=metric)
    if fmt := requested_format(request):
        return export_response(trend_table(trend), fmt)
    context = {
        "form": form,
        "trend": trend,
        "metric": METRICS[metric],
        "chart": trend_chart(trend, chart_id="trend-chart"),
        "query": _query_without_format(request),
    }
    return render(request, "insights/trends.html", context)


# ------------------------------------------------------------------ key drivers


def drivers_table(report) -> Table:
    def rows():
        for group in report.groups:
            analysis = group.analysis
            for driver in analysis.ranked() if analysis else []:
                yield [
                    group.label, report.labels.get(driver.name, driver.name), driver.correlation,
                    driver.correlation_p_value, driver.beta, driver.share, group.n,
                    analysis.too_small,
                ]  # fmt: skip

    return Table(
        name="key-drivers",
        headers=[
            _("Vertical market"),
            _("Driver"),
            _("Correlation"),
            _("p-value"),
            _("Standardised beta"),
            _("Relative importance (%)"),
            "n",
            _("Too few to trust"),
        ],  # fmt: skip
        rows=rows(),
    )


@staff_member_required
def drivers_page(request: HttpRequest) -> HttpResponse:
    form = DriverFilterForm(request.GET or None, user=request.user)
    report = key_driver_report(scope=form.scope())
    if fmt := requested_format(request):
        return export_response(drivers_table(report), fmt)
    groups = [
        {
            "group": group,
            "drivers": group.analysis.ranked() if group.analysis else [],
            "chart": drivers_chart(group, report.labels, chart_id=f"drivers-{index}")
            if index == 0 and group.analysis and group.analysis.drivers
            else None,
        }
        for index, group in enumerate(report.groups)
    ]
    context = {
        "form": form,
        "report": report,
        "groups": groups,
        "query": _query_without_format(request),
    }
    return render(request, "insights/drivers.html", context)


# ------------------------------------------------------------------ loyalty outcomes


class WaveForm(forms.Form):
    wave = WaveChoiceField(
        label=gettext_lazy("Relationship wave"),
        queryset=relationship_waves(),
        required=False,
        empty_label=None,
    )


def default_loyalty_wave():
    """The latest wave that a later wave follows (so "next" has happened), else the latest."""
    waves = list(relationship_waves()[:2])
    return waves[1] if len(waves) > 1 else (waves[0] if waves else None)


def loyalty_table(outcomes) -> Table:
    groups = [("quadrant", g) for g in outcomes.by_quadrant] + [
        ("band", g) for g in outcomes.by_band
    ]
    return Table(
        name="loyalty-outcomes",
        headers=[
            _("Grouped by"),
            _("Group"),
            _("Accounts"),
            _("Lost after the wave"),
            _("Defection rate (%)"),
            _("Billed at the wave"),
            _("Billed next"),
            _("Billed revenue change (%)"),
            _("Forecast at the wave"),
        ],  # fmt: skip
        rows=(
            [
                kind,
                g.label,
                g.accounts,
                g.defected,
                g.defection_rate,
                g.billed_before,
                g.billed_after,
                g.revenue_change,
                g.forecast,
            ]  # fmt: skip
            for kind, g in groups
        ),
    )


@staff_member_required
def loyalty_page(request: HttpRequest) -> HttpResponse:
    default = default_loyalty_wave()
    # Unbound, the menu shows the wave the page defaults to.
    form = WaveForm(request.GET or None, initial={"wave": default})
    wave = form.cleaned_data.get("wave") if form.is_valid() else None
    wave = wave or default
    outcomes = None
    if wave is not None:
        outcomes = loyalty_outcomes(wave=wave, account_ids=visible_account_ids(request.user))
        if fmt := requested_format(request):
            return export_response(loyalty_table(outcomes), fmt)
    context = {
        "form": form,
        "wave": wave,
        "outcomes": outcomes,
        "next_wave": wave_next(wave=wave) if wave else None,
        "query": _query_without_format(request),
    }
    return render(request, "insights/loyalty.html", context)
