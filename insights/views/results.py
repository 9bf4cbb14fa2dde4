"""Staff results pages: the survey scoreboard and one survey's results, thin views over
`insights.selectors`."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from surveys.models import Survey

from ..forms import ResultFilterForm
from ..metrics import METRICS
from ..selectors.aggregates import metric_summary, response_rate
from ..selectors.results import comments, question_charts, survey_scoreboard

COMMENTS_PER_PAGE = 20


@staff_member_required
def survey_list(request):
    """Every survey with its number of responses and NPS in the user's scope."""
    form = ResultFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    scores = survey_scoreboard(form.result_filter())
    return render(request, "insights/survey_list.html", {"form": form, "scores": scores})


@staff_member_required
def survey_results(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("touch_point"), pk=pk)
    form = ResultFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    result_filter = form.result_filter(survey_id=survey.pk)
    charts = question_charts(survey, result_filter)
    comment_page = Paginator(comments(result_filter), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "survey": survey,
        "form": form,
        "summary": metric_summary(result_filter),
        "rate": response_rate(result_filter),
        "metrics": METRICS,
        "charts": charts,
        "chart_data": [chart.as_dict() for chart in charts],
        "comments": comment_page,
        "filter_query": query.urlencode(),
    }
    return render(request, "insights/survey_results.html", context)
