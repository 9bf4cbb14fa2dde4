"""Staff page: one account's scores and its place in the customer matrix."""

import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from customers.models import Account

from ..metrics import METRICS, answer_band
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


@staff_member_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = visible_account_or_404(request.user, pk)
    overview = account_overview(account=account)
    reads_responses = user_reads_responses(request.user)
    history = account_history(account=account, comments=reads_responses)
    shown = next(
        (t for t in history.trends.values() if t.latest is not None), history.trends["nps"]
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
    }
    return render(request, "insights/account_detail.html", context)
