"""A published version is frozen; later edits make a new version; the history says who
changed what."""

import pytest
from django.core.exceptions import ValidationError

from insights.plans.constants import ActionStatus, ChangeKind, OwnerSide, PlanStatus
from insights.plans.models import FrozenError, PlanVersion
from insights.plans.services.contents import (
    action_create,
    action_delete,
    action_update,
    finding_update,
)
from insights.plans.services.plans import action_plan_publish, action_plan_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(plan, story):
    return action_create(
        plan=plan,
        user=story.team_member,
        title="Second visit by a senior installer",
        owner_side=OwnerSide.OURS,
        owner_user=story.team_member,
        internal_note="Budget from the Q2 service fund.",
        contacts=[story.key_contact],
    )


def test_a_plan_without_actions_cannot_be_published(plan, story):
    with pytest.raises(ValidationError, match="at least one action"):
        action_plan_publish(plan=plan, user=story.team_member)


def test_publishing_freezes_what_the_customer_sees_without_internal_notes(plan, story, action):
    action_plan_update(plan=plan, user=story.team_member, internal_notes="Renewal in May.")
    version = action_plan_publish(plan=plan, user=story.team_member)
    plan.refresh_from_db()
    assert (plan.status, plan.version, version.number) == (PlanStatus.PUBLISHED, 1, 1)
    content = version.content
    assert [a["title"] for a in content["actions"]] == ["Second visit by a senior installer"]
    assert content["actions"][0]["owner"] == "Olivia Brooks"
    assert "Renewal in May." not in str(content)
    assert "Budget from the Q2 service fund." not in str(content)
    assert "cases" not in content["evidence"]
    version.content["title"] = "Changed"
    with pytest.raises(FrozenError):
        version.save()


def test_an_edit_after_publishing_makes_the_next_version_and_keeps_the_published_one(
    plan, story, action
):
    action_plan_publish(plan=plan, user=story.team_member)
    action_update(action=action, user=story.team_member, status=ActionStatus.IN_PROGRESS)
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.DRAFT, 2)
    assert plan.last_published_number == 1
    frozen = PlanVersion.objects.get(plan=plan, number=1)
    assert frozen.content["actions"][0]["status"] == ActionStatus.PLANNED
    # A second edit stays in version 2.
    action_update(action=action, user=story.team_member, target="Installation NPS 20")
    plan.refresh_from_db()
    assert plan.version == 2
    version2 = action_plan_publish(plan=plan, user=story.team_member)
    assert version2.number == 2
    assert version2.content["actions"][0]["status"] == ActionStatus.IN_PROGRESS
    assert PlanVersion.objects.get(plan=plan, number=1).content == frozen.content


def test_the_history_shows_who_changed_what_in_which_version(plan, story, action):
    action_plan_publish(plan=plan, user=story.team_member)
    action_update(action=action, user=story.other_team_member, status=ActionStatus.IN_PROGRESS)
    kinds = list(plan.changes.order_by("pk").values_list("kind", "version"))
    assert kinds[-3:] == [
        (ChangeKind.PUBLISHED, 1),
        (ChangeKind.NEW_VERSION, 2),
        (ChangeKind.ACTION_CHANGED, 2),
    ]
    change = plan.changes.get(kind=ChangeKind.ACTION_CHANGED)
    assert change.actor == story.other_team_member
    assert change.changes == {"status": ["planned", "in_progress"]}


def test_an_edit_that_changes_nothing_starts_no_version(plan, story, action):
    action_plan_publish(plan=plan, user=story.team_member)
    finding = plan.findings.first()
    finding_update(finding=finding, user=story.team_member, title=finding.title)
    action_update(action=action, user=story.team_member, contacts=[story.key_contact])
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (PlanStatus.PUBLISHED, 1)


def test_a_done_action_records_when_and_going_back_clears_it(plan, story, action):
    action_update(action=action, user=story.team_member, status=ActionStatus.DONE)
    assert action.completed_at is not None
    action_update(action=action, user=story.team_member, status=ActionStatus.IN_PROGRESS)
    assert action.completed_at is None


def test_a_published_action_is_cancelled_not_deleted(plan, story, action):
    draft = action_create(plan=plan, user=story.team_member, title="Not yet shown")
    action_delete(action=draft, user=story.team_member)
    action_plan_publish(plan=plan, user=story.team_member)
    action.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled"):
        action_delete(action=action, user=story.team_member)


def test_actions_concern_only_contacts_of_the_plans_account(plan, story):
    from tests.factories import ContactFactory

    stranger = ContactFactory(account=story.harbour)
    with pytest.raises(ValidationError):
        action_create(plan=plan, user=story.team_member, title="x", contacts=[stranger])
