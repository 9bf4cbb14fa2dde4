"""The monthly operations review of one vertical market (HiTouch reviewed experience before
the financials): the month's key experience issues at the touch points, the actions taken and
those overdue, open and overdue cases, targets against actual, and the accounts that changed
quadrant. Each part is a fixed number of grouped queries over the market's accounts."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from customers.models import Account, VerticalMarket

from ...selectors.corridor import CorridorScope, corridor
from ...selectors.matrix import (
    SATISFACTION_WINDOW,
    MatrixScope,
    customer_matrix,
    matrix_movement,
    quadrant_changes,
)
from ..constants import ActionStatus
from ..models import Action
from .targets import targets_progress_for

KEY_ISSUES = 5
LISTED = 25


@dataclass(frozen=True)
class ReviewMonth:
    start: date
    end: date  # inclusive

    @classmethod
    def of(cls, day: date) -> "ReviewMonth":
        start = day.replace(day=1)
        return cls(start, start.replace(day=calendar.monthrange(start.year, start.month)[1]))

    @property
    def previous(self) -> "ReviewMonth":
        return ReviewMonth.of(self.start - timedelta(days=1))


def vertical_market_general_managers(vertical_market: VerticalMarket) -> QuerySet:
    """Who receives a market's pack: its general managers (the market's own, and those named
    on its accounts)."""
    named = Account.objects.filter(vertical_market=vertical_market).values("general_manager_id")
    market = vertical_market.general_managers.values("pk")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=market) | Q(pk__in=named))
        .exclude(email="")
        .order_by("username")
    )


def _corridor(account_ids: frozenset[int], month: ReviewMonth):
    """The market's corridor over the month and the month before."""
    scope = CorridorScope(
        since=month.previous.start, until=month.end, period="month", account_ids=account_ids
    )
    return corridor(scope=scope)


def _key_issues(market_corridor) -> list[dict]:
    """Touch points of the month, the highest share of low scores first, with the change
    from the month before (the corridor's own figures, over the market's accounts)."""
    issues = []
    for line in market_corridor.lines:
        cell = line.cells[-1]
        if not cell.scored:
            continue
        issues.append(
            {
                "touch_point": line.touch_point.name,
                "responses": cell.responses,
                "scored": cell.scored,
                "low_share": cell.low_share,
                "low_change": cell.change.get("low_share"),
                "nps": cell.nps,
                "nps_change": cell.change.get("nps"),
                "weakest": cell.weakest,
            }
        )
    issues.sort(key=lambda item: -(item["low_share"] or 0))
    return issues[:KEY_ISSUES]


def _action_row(action: Action) -> dict:
    return {
        "account": action.plan.account.name,
        "title": action.title,
        "owner": action.owner_display,
        "due": action.due_date,
        "done": action.completed_at.date() if action.completed_at else None,
        "touch_point": action.touch_point.name if action.touch_point_id else "",
    }


def _actions(account_ids, month: ReviewMonth) -> dict:
    actions = Action.objects.filter(plan__account_id__in=account_ids).select_related(
        "plan__account", "owner_user", "touch_point"
    )
    done = actions.filter(
        status=ActionStatus.DONE,
        completed_at__date__gte=month.start,
        completed_at__date__lte=month.end,
    ).order_by("completed_at")
    overdue = actions.overdue(today=month.end + timedelta(days=1)).order_by("due_date")
    return {
        "done": [_action_row(a) for a in done[:LISTED]],
        "done_n": done.count(),
        "overdue": [_action_row(a) for a in overdue[:LISTED]],
        "overdue_n": overdue.count(),
    }


def _cases(account_ids, month: ReviewMonth) -> dict:
    if not apps.is_installed("insights.cases"):
        return {"available": False}
    from insights.cases.models import Case

    cases = Case.objects.filter(account_id__in=account_ids)
    counts = cases.aggregate(
        opened=Count(
            "pk", filter=Q(opened_at__date__gte=month.start, opened_at__date__lte=month.end)
        ),
    )
    open_cases = cases.open()
    overdue = open_cases.overdue().select_related("account", "touch_point").order_by("due_at")
    by_touch_point = list(
        open_cases.values("touch_point__name").annotate(n=Count("pk")).order_by("-n")
    )
    return {
        "available": True,
        "opened": counts["opened"],
        "open": open_cases.count(),
        "overdue_n": overdue.count(),
        "overdue": [
            {
                "account": case.account.name if case.account_id else "",
                "touch_point": case.touch_point.name if case.touch_point_id else "",
                "opened": case.opened_at.date(),
                "state": case.get_state_display(),
            }
            for case in overdue[:LISTED]
        ],
        "by_touch_point": [
            {"touch_point": row["touch_point__name"] or "—", "n": row["n"]}
            for row in by_touch_point
        ],
    }


def _matrix(vertical_market: VerticalMarket, month: ReviewMonth):
    """The market's matrix over the year to the month's end and to the month before's."""
    after = customer_matrix(
        scope=MatrixScope(
            since=month.end - SATISFACTION_WINDOW,
            until=month.end,
            vertical_market_id=vertical_market.pk,
        )
    )
    before_end = month.previous.end
    before = customer_matrix(
        scope=MatrixScope(
            since=before_end - SATISFACTION_WINDOW,
            until=before_end,
            vertical_market_id=vertical_market.pk,
        )
    )
    moves = matrix_movement(before=before, after=after)
    return after, moves, quadrant_changes(moves)


def monthly_review(*, vertical_market: VerticalMarket, month: ReviewMonth) -> dict:
    account_ids = frozenset(
        Account.objects.filter(vertical_market=vertical_market).values_list("pk", flat=True)
    )
    matrix, moves, changes = _matrix(vertical_market, month)
    market_corridor = _corridor(account_ids, month)
    return {
        "vertical_market": vertical_market,
        "month": month,
        "accounts": len(account_ids),
        "corridor": market_corridor,
        "key_issues": _key_issues(market_corridor),
        "actions": _actions(account_ids, month),
        "cases": _cases(account_ids, month),
        "targets": targets_progress_for(
            user=None,
            vertical_market_id=vertical_market.pk,
            account_ids=account_ids,
            today=month.end,
        ),
        "matrix": matrix,
        "moves": moves,
        "changes": changes,
    }
