"""Staff page: one account's scores and its place in the customer matrix."""

import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from customers.models import Account

from ..cases.selectors import account_cases_by_touch_point
from ..metrics import METRICS, answer_band
from ..plans.selectors.evidence import evidence_scope, weakest_touch_points
from ..plans.selectors.plans import account_plans
from ..selectors.account_history import account_history, score_metric
from ..selectors.accounts import account_overview
from ..selectors.drilldown import user_reads_responses
from .charting import trend_chart

security_log = logging.getLogger("cem.security")


def visible_account_or_404(user, pk: int) -> Account:
    """The account if `user` may see it; otherwise 404, logged when it exists elsewhere."""
    account = (
        Account.objects.visible_to(user)
        .select_related("vertical_market", "general_manager")
        .filter(pk=pk)
        .first()
    )
    if account is None:
        if Account.objects.filter(pk=pk).exists():
            security_log.warning("Out-of-scope account page %s requested by user %s", pk, user.pk)
        raise Http404
    return account


def _weakest_touch_point_id(account: Account, overview) -> int | None:
    """The touch point that hurts most over the page's period, by the rule of a plan's
    evidence (the highest share of low scores in transaction surveys)."""
    scope = evidence_scope(account=account, period_start=overview.since, period_end=overview.until)
    weakest = weakest_touch_points(scope, limit=1)
    return weakest[0]["id"] if weakest else None


def _account_plans(user, account: Account):
    if not user.has_perm("plans.view_actionplan"):
        return None
    return account_plans(user=user, account_id=account.pk)


@staff_member_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = visible_account_or_404(request.user, pk)
    overview = account_overview(account=account)
    reads_responses = user_reads_responses(request.user)
    history = account_history(account=account, comments=reads_responses)
    shown = next(
        (t for t in history.trends.values() if t.latest is not None), history.trends["nps"]
    )
    weakest = _weakest_touch_point_id(account, overview)
    reads_cases = request.user.has_perm("cases.view_case")
    cases = (
        account_cases_by_touch_point(user=request.user, account_id=account.pk)
        if reads_cases
        else {}
    )
    context = {
        "history": history,
        "history_trend": shown,
        "history_chart": trend_chart(shown, chart_id="account-trend"),
        "scored_comments": [
            (c, answer_band(score_metric(c.score_type), c.score)) for c in history.comments
        ],
        "reads_responses": reads_responses,
        "account": account,
        "overview": overview,
        "team": account.account_team.order_by("username"),
        "placements": [(METRICS[key], row) for key, row in overview.placements.items()],
        "metrics": METRICS,
        "reads_cases": reads_cases,
        # Each touch point with the cases opened for it there and whether it hurts most.
        "touch_point_rows": [
            (figures, cases.get(figures.touch_point.pk), figures.touch_point.pk == weakest)
            for figures in history.touch_points
        ],
        "plans": _account_plans(request.user, account),
    }
    return render(request, "insights/account_detail.html", context)
