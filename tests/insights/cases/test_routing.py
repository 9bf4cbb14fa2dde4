"""Who owns a match: the rule's route, its value override, and the fallbacks."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from cem_project.roles import ACCOUNT_TEAM_MEMBER, ANALYST, SPECIALIST
from insights.cases.constants import RouteTarget
from insights.cases.models import Case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def open_case(world, capture, **answer) -> Case:
    with capture(execute=True):
        world.submit(**{"nps": 1, **answer})
    return Case.objects.order_by("-pk").first()


def route(world, target: str, **fields) -> None:
    for name, value in {"route_to": target, **fields}.items():
        setattr(world.rule, name, value)
    world.rule.save()


def test_the_account_team_route_picks_the_member_with_fewest_open_cases_who_works_cases(
    world, django_capture_on_commit_callbacks
):
    busy, free = (UserFactory(username=n, roles=[ACCOUNT_TEAM_MEMBER]) for n in ("busy", "free"))
    reader = UserFactory(username="aaa.reader", roles=[ANALYST])  # first by name, reads only
    world.account_a.account_team.add(busy, free, reader)
    route(world, RouteTarget.ACCOUNT_TEAM)
    world.account_a.account_team.remove(world.member_a)

    first = open_case(world, django_capture_on_commit_callbacks)
    second = open_case(world, django_capture_on_commit_callbacks)

    assert first.owner == busy  # a tie: by username
    assert second.owner == free  # busy has one open case now


def test_a_team_route_leaves_the_case_to_the_team_and_mails_every_member(
    world, django_capture_on_commit_callbacks
):
    crew = Group.objects.create(name="Installation crew")
    members = [UserFactory(username=f"crew{i}", roles=[SPECIALIST]) for i in range(2)]
    for member in members:
        member.groups.add(crew)
    route(world, RouteTarget.TEAM, route_team=crew)

    case = open_case(world, django_capture_on_commit_callbacks)

    assert (case.owner, case.team) == (None, crew)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_a_named_user_route(world, django_capture_on_commit_callbacks):
    lead = UserFactory(username="lead", roles=[SPECIALIST])
    route(world, RouteTarget.USER, route_user=lead)
    assert open_case(world, django_capture_on_commit_callbacks).owner == lead


def test_billing_above_the_override_figure_routes_to_the_general_manager(
    world, django_capture_on_commit_callbacks
):
    route(world, RouteTarget.SPECIALIST, override_quadrants=[],
          override_billed_above=Decimal("1000000"))  # fmt: skip
    case = open_case(world, django_capture_on_commit_callbacks)  # account A bills 2 million
    assert case.owner == world.gm_a
    assert "value override" in case.routing_note


def test_without_anyone_on_the_route_the_fallback_owner_then_nobody(
    world, django_capture_on_commit_callbacks
):
    fallback = UserFactory(username="fallback", roles=[SPECIALIST])
    world.installation.specialist = None
    world.installation.save()
    world.account_a.general_manager = None
    world.account_a.save()
    route(world, RouteTarget.SPECIALIST, fallback_user=fallback)
    assert open_case(world, django_capture_on_commit_callbacks).owner == fallback

    route(world, RouteTarget.SPECIALIST, fallback_user=None)
    case = open_case(world, django_capture_on_commit_callbacks)
    assert (case.owner, case.team) == (None, None)
    assert "unassigned" in case.routing_note
