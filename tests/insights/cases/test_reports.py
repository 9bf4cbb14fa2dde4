"""Case reports as database aggregates, checked against hand-counted cases."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from insights.cases.constants import CaseState, RootCause
from insights.cases.models import Case
from insights.cases.selectors import (
    case_sla_summary,
    cases_per_period,
    repeat_problem_accounts,
    root_causes_by_touch_point,
)
from tests.factories import ResponseFactory, UserFactory
from tests.insights.cases.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime(2026, 3, 10, 9, 0))


def case(world, *, account, opened, sla=4, ack_after=None, closed_after=None, cause="",
         resolve_hours=None, touch_point=None):  # fmt: skip
    rule = AlertRuleFactory(sla_hours=sla, resolve_hours=resolve_hours)
    closed = closed_after is not None
    return Case.objects.create(
        rule=rule, response=ResponseFactory(contact__account=account), account=account,
        touch_point=touch_point or world.installation, owner=world.specialist, opened_at=opened,
        due_at=opened + timedelta(hours=sla),
        resolve_due_at=opened + timedelta(hours=resolve_hours) if resolve_hours else None,
        acknowledged_at=opened + ack_after if ack_after else None,
        resolved_at=opened + closed_after if closed else None,
        closed_at=opened + closed_after if closed else None,
        state=CaseState.CLOSED if closed else (CaseState.ACKNOWLEDGED if ack_after else "new"),
        root_cause=cause, customer_contacted=True if closed else None,
    )  # fmt: skip


@pytest.fixture
def admin(db):
    return UserFactory(username="boss", superuser=True)


@pytest.fixture
def history(world):
    a, b = world.account_a, world.account_b
    h = timedelta(hours=1)
    case(world, account=a, opened=T0, ack_after=2 * h, closed_after=30 * h, cause=RootCause.DELAY,
         resolve_hours=48)  # fmt: skip
    case(world, account=a, opened=T0 + timedelta(days=1), ack_after=6 * h)  # late
    case(world, account=a, opened=T0 + timedelta(days=31), ack_after=1 * h,
         closed_after=80 * h, cause=RootCause.DELAY, resolve_hours=48)  # fmt: skip
    case(world, account=b, opened=T0 + timedelta(days=32))  # never acknowledged
    case(world, account=b, opened=T0 + timedelta(days=33), ack_after=3 * h,
         closed_after=5 * h, cause=RootCause.BILLING)  # fmt: skip


def test_cases_opened_and_closed_per_month(admin, history):
    rows = cases_per_period(user=admin, period="month")
    assert [(r["period"].month, r["opened"], r["closed"]) for r in rows] == [(3, 2, 1), (4, 3, 2)]


def test_time_to_acknowledge_and_resolve_against_the_targets(admin, history):
    sla = case_sla_summary(user=admin, now=T0 + timedelta(days=60))
    assert (sla.opened, sla.acknowledged, sla.acknowledged_in_time) == (5, 4, 3)
    assert sla.unacknowledged_late == 1
    assert sla.acknowledged_in_time_pct == 75.0
    assert sla.mean_time_to_acknowledge == timedelta(hours=3)  # (2 + 6 + 1 + 3) / 4
    assert (sla.resolved, sla.resolved_with_target, sla.resolved_in_time) == (3, 2, 1)
    assert sla.mean_time_to_resolve == timedelta(hours=(30 + 80 + 5) / 3)
    assert (sla.closed, sla.customer_contacted_pct) == (3, 100.0)


def test_root_causes_by_touch_point(admin, history):
    rows = root_causes_by_touch_point(user=admin)
    assert [(r["touch_point"], r["root_cause"], r["n"]) for r in rows] == [
        ("Installation", "delay", 2),
        ("Installation", "billing", 1),
    ]


def test_repeat_problems_per_account_and_the_period(admin, world, history):
    rows = repeat_problem_accounts(user=admin)
    assert [(r["account__name"], r["n"], r["open"]) for r in rows] == [
        (world.account_a.name, 3, 1),
        (world.account_b.name, 2, 1),
    ]
    april = repeat_problem_accounts(user=admin, since=(T0 + timedelta(days=30)).date())
    assert [(r["account__name"], r["n"]) for r in april] == [(world.account_b.name, 2)]


def test_reports_count_only_the_cases_the_user_may_see(world, history):
    assert case_sla_summary(user=world.member_b).opened == 2
    assert [r["account__name"] for r in repeat_problem_accounts(user=world.member_b)] == [
        world.account_b.name
    ]
