"""Staff results pages: the survey scoreboard and one survey's results, thin views over
`insights.selectors`."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from surveys.models import Survey

from ..exports import Table, export_response, requested_format
from ..forms import ResultFilterForm
from ..forms_analysis import CommentFilterForm
from ..metrics import METRICS, QUESTION_METRIC, answer_band, headline_metric, measured_metrics
from ..selectors.aggregates import metric_summary, response_rate
from ..selectors.drilldown import in_band, user_reads_responses, with_scores
from ..selectors.headlines import survey_headlines
from ..selectors.results import comments, question_charts
from .charting import question_chart_svg

COMMENTS_PER_PAGE = 20


def headline_table(headlines) -> Table:
    return Table(
        name="surveys",
        headers=[
            _("Survey"),
            _("Kind"),
            _("Touch point"),
            _("Headline metric"),
            _("Value"),
            "n",
            _("Responses"),
            _("Invitations delivered"),
            _("Response rate (%)"),
        ],  # fmt: skip
        rows=(
            [
                h.survey.title,
                h.survey.get_kind_display(),
                h.survey.touch_point or "",
                h.metric_label,
                h.value,
                h.metric_n,
                h.n,
                h.sent,
                h.response_rate,
            ]  # fmt: skip
            for h in headlines
        ),
    )


@staff_member_required
def survey_list(request):
    """Every survey with its headline metric, responses and response rate in the user's
    scope (the scoreboard; the executive dashboard at /insights/ shows it too)."""
    form = ResultFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    headlines = survey_headlines(form.result_filter())
    if fmt := requested_format(request):
        return export_response(headline_table(headlines), fmt)
    query = request.GET.copy()
    query.pop("format", None)
    context = {"form": form, "headlines": headlines, "query": query.urlencode()}
    return render(request, "insights/survey_list.html", context)


@staff_member_required
def survey_results(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("touch_point"), pk=pk)
    form = ResultFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    result_filter = form.result_filter(survey_id=survey.pk)
    types = list(survey.questions.order_by("page", "position", "pk").values_list("type", flat=True))
    headline = headline_metric(types)
    band_form = CommentFilterForm(request.GET or None, metric=headline)
    charts = question_charts(survey, result_filter)
    reads_responses = user_reads_responses(request.user)
    scored = in_band(
        with_scores(comments(result_filter)), metric=headline, band=band_form.selected_band()
    )
    if not reads_responses:  # an executive's results: aggregates, no single answer's text
        scored = scored.none()
    comment_page = Paginator(scored, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for comment in comment_page:  # the band colours the score beside the comment
        comment.band = answer_band(QUESTION_METRIC.get(comment.score_type or ""), comment.score)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "survey": survey,
        "form": form,
        "band_form": band_form,
        "summary": metric_summary(result_filter),
        "rate": response_rate(result_filter),
        "metrics": METRICS,
        "measured": measured_metrics(types),
        "headline": headline,
        "charts": [(chart, question_chart_svg(chart)) for chart in charts],
        "chart_data": [chart.as_dict() for chart in charts],
        "reads_responses": reads_responses,
        "comments": comment_page,
        "filter_query": query.urlencode(),
    }
    return render(request, "insights/survey_results.html", context)
