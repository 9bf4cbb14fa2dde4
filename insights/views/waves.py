"""Staff page: a relationship programme's waves compared, overall, per market and per account."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from customers.selectors import visible_account_ids
from surveys.models import RelationshipProgramme

from ..metrics import measured_metrics
from ..selectors.waves import programme_wave_comparison
from .charting import wave_charts

PERCENT_FIGURES = ("response_rate", "csat", "coverage_accounts", "coverage_billed")


@staff_member_required
def programme_waves(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(RelationshipProgramme.objects.select_related("survey"), pk=pk)
    comparison = programme_wave_comparison(
        programme=programme, account_ids=visible_account_ids(request.user)
    )
    sections = [
        ("overall", _("Overall"), [comparison.overall]),
        ("markets", _("Per vertical market"), comparison.vertical_markets),
        ("accounts", _("Per account"), comparison.accounts),
    ]
    types = programme.survey.questions.values_list("type", flat=True)
    measured = set(measured_metrics(types))
    # A metric the survey does not ask about gets no column: it could only read "—" (the
    # relationship template asked no CSAT question before; now it does).
    hidden = {name for name in ("nps", "cx_index", "csat") if name not in measured}
    context = {
        "programme": programme,
        "comparison": comparison,
        "sections": sections,
        "percent_figures": PERCENT_FIGURES,
        "hidden": hidden,
        "charts": wave_charts(
            comparison, [m for m in ("nps", "cx_index", "csat") if m in measured]
        ),
    }
    return render(request, "insights/programme_waves.html", context)
