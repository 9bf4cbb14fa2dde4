"""A contact's erasure reaches what plans keep about them: links dead, comments emptied, the
comments the team showed removed from the plans and their published versions, their name
replaced; their export lists the plans shared with them, acknowledgements and comments."""

import pytest

from customers.privacy import ERASED_NAME, contact_erase, contact_export
from insights.plans.constants import OwnerSide
from insights.plans.models import ActionComment, PlanShare, PlanVerbatim, PlanVersion
from insights.plans.services.contents import action_create, plan_verbatims_set
from insights.plans.services.plans import action_plan_publish
from insights.plans.services.sharing import action_comment_create, plan_acknowledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(plan, story):
    """Sara owns an action on her side, commented and acknowledged; her colleague's comment
    (the broken installation) is shown under his name."""
    action = action_create(
        plan=plan,
        user=story.team_member,
        title="Name a site coordinator",
        owner_side=OwnerSide.CUSTOMER,
        owner_name="Sara Karimi",
    )
    author = story.broken_comment.response.contact
    plan_verbatims_set(
        plan=plan,
        user=story.team_member,
        answers=[story.broken_comment],
        attributed=[story.broken_comment.pk],
    )
    action_plan_publish(plan=plan, user=story.team_member, contacts=[story.key_contact, author])
    share = PlanShare.objects.get(contact=story.key_contact)
    plan_acknowledge(share=share)
    action_comment_create(share=share, action_id=action.pk, text="Call me on 0912 555 0101.")
    return share, action, author


def test_erasing_a_contact_kills_their_link_and_empties_their_comments(client, shared, story):
    share, action, _author = shared
    token = share.token
    contact_erase(contact=story.key_contact, actor=story.team_member, via="test")
    assert client.get(f"/p/{token}/").status_code == 404
    share.refresh_from_db()
    assert share.token != token and share.revoked_at is not None
    comment = ActionComment.objects.get()
    assert comment.text == "" and comment.action == action  # the row stays
    action.refresh_from_db()
    assert action.owner_name == ERASED_NAME
    version = PlanVersion.objects.get(plan=share.plan)
    assert "Sara Karimi" not in str(version.content)
    assert not share.plan.changes.filter(summary__contains="Sara Karimi").exists()


def test_erasing_the_author_of_a_shown_comment_removes_it_from_every_version(shared, story):
    share, _action, author = shared
    name = author.name
    assert name in str(PlanVersion.objects.get(plan=share.plan).content)
    contact_erase(contact=author, actor=story.team_member, via="test")
    assert not PlanVerbatim.objects.exists()
    content = str(PlanVersion.objects.get(plan=share.plan).content)
    assert "The installer came twice" not in content and name not in content


def test_a_contacts_export_holds_the_plans_shared_with_them(shared, story):
    share, action, _author = shared
    data = contact_export(contact=story.key_contact, actor=story.team_member, via="test")
    assert [s["plan"]["id"] for s in data["plan_shares"]] == [share.plan_id]
    assert data["plan_acknowledgements"][0]["version"] == 1
    assert data["plan_comments"] == [
        {
            "plan": share.plan_id,
            "action": action.title,
            "text": "Call me on 0912 555 0101.",
            "at": data["plan_comments"][0]["at"],
        }
    ]
