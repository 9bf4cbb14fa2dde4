"""The dashboards per audience: executive (/insights/), general manager, account team and
analyst (every cut, drill-down to a single response, CSV/XLSX). Thin views over
`insights.selectors.dashboards` and `insights.selectors.drilldown`."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from customers.constants import AuditAction
from customers.privacy import audit_log_record
from customers.selectors import user_sees_all_accounts

from ..exports import Table, export_response, requested_format
from ..forms_analysis import ResponseFilterForm
from ..metrics import METRICS, PLACEMENT_LABELS
from ..selectors.dashboards import (
    HEADLINE_METRICS,
    account_lines,
    executive_dashboard,
    general_manager_dashboard,
)
from ..selectors.drilldown import (
    READS_RESPONSES,
    response_answers,
    response_for,
    response_list,
    user_reads_responses,
)
from .charting import matrix_chart, revenue_chart, trend_chart

# Experience targets against actual with their trend, on each audience's dashboard.
DASHBOARD_TARGETS = 6


def _targets(user) -> dict:
    from ..plans.views.targets import targets_context

    return targets_context(user, limit=DASHBOARD_TARGETS)


RESPONSES_PER_PAGE = 50


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@staff_member_required
def executive(request: HttpRequest) -> HttpResponse:
    """One screen for an executive: where the accounts stand, where it hurts, what is at risk."""
    board = executive_dashboard(user=request.user)
    cards = []
    for key in HEADLINE_METRICS:
        trend = board.trends[key]
        cards.append({"metric": METRICS[key], "trend": trend, "latest": trend.latest})
    shown = next((c for c in cards if c["latest"] is not None), cards[0])
    context = {
        "reads_responses": user_reads_responses(request.user),
        "board": board,
        "cards": cards,
        "trend_metric": shown["metric"],
        "trend_chart": trend_chart(shown["trend"], chart_id="executive-trend"),
        "matrix_chart": matrix_chart(board.matrix),
        "revenue_chart": revenue_chart(board.revenue, chart_id="executive-revenue")
        if len(board.revenue) > 1
        else None,
        # The accounts at risk by the matrix above, the highest billing first.
        "at_risk_accounts": sorted(
            board.matrix.by_quadrant()["at_risk"], key=lambda a: (-a.billed_revenue, a.name)
        ),
        "quadrant_counts": [
            (key, PLACEMENT_LABELS[key], len(accounts))
            for key, accounts in board.matrix.by_quadrant().items()
        ],
        "metrics": METRICS,
        **_targets(request.user),
    }
    return render(request, "insights/dashboard_executive.html", context)


def account_table(lines) -> Table:
    return Table(
        name="accounts",
        headers=[
            _("Account"),
            _("Vertical market"),
            _("Quadrant"),
            _("NPS (last year)"),
            "n",
            _("NPS this quarter"),
            _("NPS last quarter"),
            _("Billed revenue"),
            _("Forecast revenue"),
        ],  # fmt: skip
        rows=(
            [
                line.placement.name,
                line.placement.vertical_market,
                line.placement.quadrant_label,
                line.placement.satisfaction,
                line.placement.n,
                line.nps_now,
                line.nps_before,
                line.placement.billed_revenue,
                line.placement.forecast_revenue,
            ]  # fmt: skip
            for line in lines
        ),
    )


@staff_member_required
def general_manager(request: HttpRequest) -> HttpResponse:
    board = general_manager_dashboard(user=request.user)
    if fmt := requested_format(request):
        lines = [line for _market, group in board.markets for line in group]
        return export_response(account_table(lines), fmt)
    context = {
        "board": board,
        "query": _query_without(request, "format"),
        "reads_responses": user_reads_responses(request.user),
        **_targets(request.user),
    }
    return render(request, "insights/dashboard_manager.html", context)


@staff_member_required
def account_team(request: HttpRequest) -> HttpResponse:
    reads_responses = user_reads_responses(request.user)
    _matrix, lines = account_lines(user=request.user, comments=reads_responses)
    if fmt := requested_format(request):
        return export_response(account_table(lines), fmt)
    context = {
        "lines": lines,
        "sees_all": user_sees_all_accounts(request.user),
        "reads_responses": reads_responses,
        "query": _query_without(request, "format"),
        **_targets(request.user),
    }
    return render(request, "insights/dashboard_team.html", context)


def response_table(responses) -> Table:
    return Table(
        name="responses",
        headers=[
            _("Response"),
            _("Submitted"),
            _("Survey"),
            _("Account"),
            _("Touch point"),
            _("Language"),
            "NPS",
            "CES",
            _("Comment"),
        ],  # fmt: skip
        rows=(
            [
                r.pk,
                r.submitted_at,
                r.survey.title,
                r.account.name if r.account else "",
                r.touch_point.name if r.touch_point else "",
                r.language,
                r.nps,
                r.ces,
                r.comment,
            ]  # fmt: skip
            for r in responses.iterator(chunk_size=2000)
        ),
    )


@staff_member_required
@permission_required(READS_RESPONSES, raise_exception=True)
def analyst(request: HttpRequest) -> HttpResponse:
    """Every cut in one place, and the responses behind them down to a single one."""
    form = ResponseFilterForm(request.GET or None, user=request.user)
    if form.account_refused():
        raise Http404
    result_filter, market = form.result_filter()
    responses = response_list(result_filter, vertical_market_id=market)
    if fmt := requested_format(request):
        return export_response(response_table(responses), fmt)
    page = Paginator(responses, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "reads_responses": True,
        "form": form,
        "responses": page,
        "query": _query_without(request, "format", "page"),
        "filter_query": _query_without(request, "format", "page"),
    }
    return render(request, "insights/dashboard_analyst.html", context)


@staff_member_required
@permission_required(READS_RESPONSES, raise_exception=True)
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = response_for(user=request.user, pk=pk)
    if response is None:
        raise Http404
    audit_log_record(
        actor=request.user, action=AuditAction.VIEWED, subject="response",
        object_id=response.pk, contact_id=response.contact_id, via="web",
    )  # fmt: skip
    context = {"response": response, "answers": response_answers(response)}
    return render(request, "insights/response_detail.html", context)
