"""A plan opens pre-filled with the account's evidence, computed from known answers."""

import pytest

from insights.plans.constants import ChangeKind, PlanStatus
from insights.plans.selectors.evidence import evidence_scope, plan_evidence
from insights.plans.services.plans import action_plan_create

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_wave_plan_holds_the_scores_against_the_previous_wave_and_the_vertical_average(plan):
    scores = plan.evidence["scores"]
    assert scores["account"]["nps"] == -50.0
    assert scores["account"]["nps_n"] == 4
    assert scores["account"]["n"] == 4
    assert scores["account"]["csat"] == 50.0
    assert scores["previous"]["nps"] == 100.0
    assert scores["previous"]["nps_n"] == 3
    assert scores["vertical"]["nps"] == 0.0  # Healthcare pooled, Retail left out
    assert scores["vertical"]["nps_n"] == 8


def test_a_wave_plan_holds_the_matrix_position_and_its_movement(plan):
    matrix = plan.evidence["matrix"]
    assert matrix["current"]["quadrant"] == "at_risk"
    assert matrix["current"]["satisfaction"] == -50.0
    assert matrix["current"]["billed"] == 15_000_000
    assert matrix["previous"]["quadrant"] == "model"
    assert matrix["moved"] is True


def test_the_weakest_touch_points_come_from_transactions_since_the_previous_wave(plan, story):
    points = plan.evidence["touch_points"]
    assert [p["code"] for p in points] == ["installation", "call-center"]
    installation, call_center = points
    assert (installation["low"], installation["scored"]) == (2, 3)  # the June answer is older
    assert installation["low_share"] == 66.7
    assert installation["nps"] == -33.3
    assert (call_center["low"], call_center["scored"], call_center["ces"]) == (1, 3, 5.0)
    assert plan.evidence["scope"]["transactions_since"] == "2025-07-31"


def test_the_trend_follows_the_programme_waves(plan):
    assert [(p["label"], p["nps"]) for p in plan.evidence["trend"]] == [
        ("Wave 2025-07", 100.0),
        ("Wave 2026-01", -50.0),
    ]


def test_findings_are_suggested_from_the_evidence_for_the_team_to_edit(plan, story):
    findings = list(plan.findings.order_by("position"))
    titles = [f.title for f in findings]
    assert titles[0] == "Relationship NPS -50.0"
    assert "-150 points against the previous wave (100.0)." in findings[0].text
    assert "The Healthcare average is 0.0." in findings[0].text
    assert titles[1] == "Moved from Model to At risk in the customer matrix"
    assert titles[2] == "Installation: 66.7% low scores"
    assert findings[2].touch_point == story.installation
    assert all(f.from_evidence for f in findings)


def test_a_new_plan_is_a_draft_version_one_with_its_creation_in_the_history(plan, story):
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 1)
    change = plan.changes.get()
    assert (change.kind, change.actor, change.version) == (
        ChangeKind.CREATED,
        story.team_member,
        1,
    )


def test_a_period_plan_compares_with_the_period_before(story):
    plan = action_plan_create(
        account=story.northbridge,
        period_start=TODAY.replace(year=2026, month=1, day=1),
        period_end=TODAY.replace(month=1, day=31),
        created_by=story.team_member,
        today=TODAY,
    )
    scores = plan.evidence["scores"]
    assert scores["account"]["nps"] == -50.0  # the wave-2 answers fall in January 2026
    assert scores["previous"]["nps_n"] == 0  # nothing in December 2025
    assert plan.wave is None


def test_evidence_reads_a_fixed_number_of_queries(story, django_assert_max_num_queries):
    scope = evidence_scope(account=story.northbridge, wave=story.wave2, today=TODAY)
    with django_assert_max_num_queries(20):
        plan_evidence(scope)


def test_the_evidence_lists_the_accounts_open_and_recent_cases(story):
    from datetime import timedelta

    from django.utils import timezone

    from insights.cases.constants import CaseState
    from insights.cases.models import Case
    from tests.insights.cases.factories import AlertRuleFactory

    from .conftest import at

    response = story.broken_comment.response

    def case(account, state, opened, due):
        closed = {"closed_at": at(opened), "root_cause": "process", "customer_contacted": True}
        return Case.objects.create(
            rule=AlertRuleFactory(name="Installation detractor"),  # one case per rule and answer
            response=response,
            account=account,
            touch_point=story.installation,
            state=state,
            opened_at=at(opened),
            due_at=at(due),
            **(closed if state == CaseState.CLOSED else {}),
        )

    open_overdue = case(
        story.northbridge, CaseState.NEW, TODAY.replace(month=1), TODAY.replace(month=1)
    )
    recent = case(
        story.northbridge, CaseState.CLOSED, TODAY.replace(month=2), TODAY.replace(month=2)
    )
    case(
        story.northbridge,
        CaseState.CLOSED,
        TODAY.replace(year=2025, month=5),
        TODAY.replace(year=2025, month=5),
    )
    case(story.harbour, CaseState.NEW, TODAY.replace(month=1), TODAY.replace(month=1))
    assert timezone.now() > open_overdue.due_at + timedelta(hours=1)

    plan = action_plan_create(
        account=story.northbridge, wave=story.wave2, created_by=story.team_member, today=TODAY
    )
    cases = plan.evidence["cases"]
    assert cases["available"] is True
    assert [(c["id"], c["overdue"], c["touch_point"]) for c in cases["open"]] == [
        (open_overdue.pk, True, "Installation")
    ]
    assert [c["id"] for c in cases["recent"]] == [recent.pk]  # the May 2025 one predates the window
