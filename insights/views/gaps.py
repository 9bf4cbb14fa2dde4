"""Staff page: the perception gap of a wave, predicted beside actual."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from customers.selectors import visible_account_ids

from ..forms import PerceptionGapForm
from ..metrics import METRICS
from ..selectors.gaps import perception_gap, waves_with_predictions
from ..selectors.matrix import relationship_waves


@staff_member_required
def perception_gap_page(request: HttpRequest) -> HttpResponse:
    default = waves_with_predictions().first() or relationship_waves().first()
    form = PerceptionGapForm(request.GET or None, initial={"wave": default})
    wave, metric = form.selection(default)
    gap = (
        perception_gap(wave=wave, metric=metric, account_ids=visible_account_ids(request.user))
        if wave is not None
        else None
    )
    sections = (
        [
            ("gap-teams", _("Per account team member"), gap.by_team),
            ("gap-markets", _("Per vertical market"), gap.by_vertical_market),
        ]
        if gap
        else []
    )
    context = {"form": form, "gap": gap, "metric": METRICS[metric], "sections": sections}
    return render(request, "insights/perception_gap.html", context)
