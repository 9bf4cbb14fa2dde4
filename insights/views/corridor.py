"""Staff page: the touch-point corridor, its weakest step standing out."""

from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from ..diagrams import corridor_svg
from ..forms import CorridorFilterForm
from ..metrics import METRICS
from ..selectors.corridor import CorridorLine, corridor

MEASURES = ("nps", "csat", "ces")


def period_label(day: date, period: str) -> str:
    if period == "quarter":
        return _("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": (day.month + 2) // 3}
    return date_format(day, "YEAR_MONTH_FORMAT")


def _measured(line: CorridorLine) -> list[str]:
    """The metrics some answer at this touch point measured, in column order."""
    return [name for name in MEASURES if any(getattr(c, f"{name}_n") for c in line.cells)]


@staff_member_required
def corridor_page(request: HttpRequest) -> HttpResponse:
    form = CorridorFilterForm(request.GET or None, user=request.user)
    result = corridor(scope=form.scope())
    labels = [period_label(day, result.scope.period) for day in result.periods]
    details = [
        {
            "line": line,
            "measured": [(name, METRICS[name]) for name in _measured(line)],
            "rows": list(zip(labels, line.cells, strict=True)),
        }
        for line in result.lines
        if line.is_total
    ]
    step = result.weakest_step
    shown = step.cell.period if step else result.periods[-1]
    chart_label = period_label(shown, result.scope.period)
    context = {
        "form": form,
        "corridor": result,
        "labels": labels,
        "details": details,
        "step": step,
        "step_label": period_label(step.cell.period, result.scope.period) if step else "",
        "rise": result.biggest_rise,
        "rise_label": (
            period_label(result.biggest_rise.cell.period, result.scope.period)
            if result.biggest_rise
            else ""
        ),
        "chart": corridor_svg(result, period_label=chart_label, rtl=get_language_bidi()),
        "chart_label": chart_label,
        "period_name": _("quarter") if result.scope.period == "quarter" else _("month"),
    }
    return render(request, "insights/corridor.html", context)
