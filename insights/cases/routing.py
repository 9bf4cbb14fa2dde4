"""Where a match goes: the rule's route, or its value override for a valuable account.

Routes: the touch point's specialist, the account's general manager, the account team (its
member with the fewest open cases), a named user, or a team (a Django group: the case waits
in the team's queue for a member to take it). When the route finds nobody, the case goes to
the account's general manager, then to the rule's fallback owner, and is otherwise left
unassigned in the queue of everyone who sees the account.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from customers.models import Account, TouchPoint

from .constants import OPEN_STATES, RouteTarget
from .evaluator import ResponseFacts
from .models import AlertRule


@dataclass(frozen=True)
class Route:
    owner: object | None  # a user
    team: Group | None
    note: str


def value_override_applies(rule: AlertRule, facts: ResponseFacts) -> bool:
    """The account is valuable by the rule's measure: in one of its quadrants, or billed
    above its figure."""
    if not rule.has_override:
        return False
    in_quadrant = facts.quadrant is not None and facts.quadrant in set(rule.override_quadrants)
    billed_high = (
        rule.override_billed_above is not None
        and facts.billed is not None
        and facts.billed > rule.override_billed_above
    )
    return in_quadrant or billed_high


def _active(user):
    return user if user is not None and user.is_active else None


def _account_team_member(account: Account):
    """The account team's member whose role works cases (`cases.change_case`) with the fewest
    open cases (ties: by username)."""
    works_cases = Permission.objects.filter(content_type__app_label="cases", codename="change_case")
    User = get_user_model()
    able = User.objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=works_cases)
        | Q(user_permissions__in=works_cases)
    )
    return (
        User.objects.filter(team_accounts=account, is_active=True, pk__in=able.values("pk"))
        .annotate(open_cases=Count("owned_cases", filter=Q(owned_cases__state__in=OPEN_STATES)))
        .order_by("open_cases", "username")
        .first()
    )


def _resolve(
    target: str, *, user, team, account: Account | None, touch_point: TouchPoint | None
) -> Route | None:
    if target == RouteTarget.USER and _active(user):
        return Route(user, None, _("Routed to a named user"))
    if target == RouteTarget.TEAM and team is not None:
        return Route(None, team, _("Routed to the team %(team)s") % {"team": team.name})
    if target == RouteTarget.SPECIALIST and touch_point is not None:
        specialist = _active(touch_point.specialist)
        if specialist:
            return Route(
                specialist,
                None,
                _("Routed to the specialist of %(touch_point)s") % {"touch_point": touch_point},
            )
    if target == RouteTarget.GENERAL_MANAGER and account is not None:
        manager = _active(account.general_manager)
        if manager:
            return Route(manager, None, _("Routed to the account's general manager"))
    if target == RouteTarget.ACCOUNT_TEAM and account is not None:
        member = _account_team_member(account)
        if member:
            return Route(member, None, _("Routed to the account team"))
    return None


def case_route(
    *,
    rule: AlertRule,
    facts: ResponseFacts,
    account: Account | None,
    touch_point: TouchPoint | None,
) -> Route:
    """The owner (or team) of a case `rule` opens for the response of `facts`."""
    prefix = ""
    route = None
    if value_override_applies(rule, facts):
        route = _resolve(
            rule.override_route_to,
            user=rule.override_user,
            team=rule.override_team,
            account=account,
            touch_point=touch_point,
        )
        prefix = _("Valuable account (value override).") + " "
    if route is None:
        route = _resolve(
            rule.route_to,
            user=rule.route_user,
            team=rule.route_team,
            account=account,
            touch_point=touch_point,
        )
    if route is None and account is not None and _active(account.general_manager):
        route = Route(
            account.general_manager, None, _("Nobody on the route: the account's general manager")
        )
    if route is None and _active(rule.fallback_user):
        route = Route(rule.fallback_user, None, _("Nobody on the route: the rule's fallback owner"))
    if route is None:
        return Route(None, None, _("Nobody on the route: unassigned"))
    return Route(route.owner, route.team, f"{prefix}{route.note}")
