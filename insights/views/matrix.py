"""Staff page: the customer matrix of a wave or date range, with movement between waves."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from ..diagrams import customer_matrix_svg
from ..forms import MatrixFilterForm
from ..metrics import INSUFFICIENT, METRICS, PLACEMENT_LABELS
from ..selectors.matrix import (
    customer_matrix,
    matrix_movement,
    quadrant_changes,
    scope_with_wave,
)

# Rows per table unless ?all=1: the largest accounts by billed revenue first, so that a large
# customer base still gives a page an executive reads (the API and the chart have them all).
TABLE_ROWS = 50

EXPLANATIONS = {
    "model": _("High billing, high satisfaction: keep them so."),
    "at_risk": _("High billing, low satisfaction: revenue at risk."),
    "growth": _("Low billing, high satisfaction: room to grow."),
    "dangling": _("Low billing, low satisfaction."),
    INSUFFICIENT: _("Too few answers to place."),
}


@staff_member_required
def customer_matrix_page(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None, user=request.user)
    scope, metric, compare = form.query()
    matrix = customer_matrix(scope=scope, metric=metric)
    moves = []
    if compare is not None:
        before = customer_matrix(scope=scope_with_wave(scope, compare), metric=metric)
        moves = matrix_movement(before=before, after=matrix)
    limit = None if request.GET.get("all") else TABLE_ROWS

    def largest(rows, account=lambda row: row):
        return sorted(rows, key=lambda row: (-account(row).billed_revenue, account(row).name))[
            :limit
        ]

    changed = quadrant_changes(moves)
    placed = [move for move in changed if move.placed_in_both]
    by_quadrant = matrix.by_quadrant()
    groups = [
        (key, PLACEMENT_LABELS[key], largest(accounts), len(accounts))
        for key, accounts in by_quadrant.items()
    ]
    # Sums over the accounts already placed (one row each), not over answers.
    totals = [
        (
            key,
            PLACEMENT_LABELS[key],
            EXPLANATIONS[key],
            accounts,
            sum(a.billed_revenue for a in accounts),
        )
        for key, accounts in by_quadrant.items()
    ]
    context = {
        "form": form,
        "matrix": matrix,
        "metric": METRICS[metric],
        "groups": groups,
        "totals": totals,
        "compare": compare,
        "changes": placed,
        # Quadrant changes first; moves to or from too few answers apart, as they say less.
        "movement_tables": [
            (largest(placed, lambda m: m.after), len(placed), "matrix-movement"),
            (
                largest([m for m in changed if not m.placed_in_both], lambda m: m.after),
                len(changed) - len(placed),
                "matrix-movement-unplaced",
            ),
        ],
        "all_url": "?" + _with_all(request),
        "chart": customer_matrix_svg(matrix, moves, rtl=get_language_bidi()),
    }
    return render(request, "insights/matrix.html", context)


def _with_all(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["all"] = "1"
    return query.urlencode()
