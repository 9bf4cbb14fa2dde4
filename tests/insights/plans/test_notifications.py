"""Acknowledgements and comments tell the account team, through a real SMTP server."""

import pytest

from insights.plans.constants import OwnerSide
from insights.plans.models import PlanShare
from insights.plans.services.contents import action_create
from insights.plans.services.plans import action_plan_publish
from insights.plans.tasks import plan_team_notify_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(plan, story, smtp_email, django_capture_on_commit_callbacks):
    story.team_member.email = "olivia@hitouch.example"
    story.team_member.save()
    action = action_create(
        plan=plan,
        user=story.team_member,
        title="Fix the installation backlog",
        owner_side=OwnerSide.OURS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        action_plan_publish(plan=plan, user=story.team_member, contacts=[story.key_contact])
    return PlanShare.objects.get(plan=plan), action


def _to(message) -> str:
    return message["X-Envelope-To"]


def test_the_customer_link_goes_out_over_smtp(published, smtp_email, story):
    share, _action = published
    assert [_to(m) for m in smtp_email.messages] == [story.key_contact.email]
    assert f"/p/{share.token}/" in smtp_email.messages[0].get_body(("plain",)).get_content()


def test_an_acknowledgement_tells_the_account_team(
    client, published, smtp_email, story, django_capture_on_commit_callbacks
):
    share, _action = published
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/p/{share.token}/acknowledge/").status_code == 303
    notice = smtp_email.messages[-1]
    assert _to(notice) == "olivia@hitouch.example"
    assert (
        notice["Subject"] == "Sara Karimi (Northbridge Health System) acknowledged the action plan"
    )
    assert f"/action-plans/{share.plan_id}/" in notice.get_body(("plain",)).get_content()


def test_a_comment_tells_the_account_team_what_was_said(
    client, published, smtp_email, story, django_capture_on_commit_callbacks
):
    share, action = published
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/p/{share.token}/actions/{action.pk}/comments/",
            {"comment": "Ward 4 first, please."},
        )
    notice = smtp_email.messages[-1]
    assert _to(notice) == "olivia@hitouch.example"
    body = notice.get_body(("plain",)).get_content()
    assert "Fix the installation backlog" in body and "Ward 4 first, please." in body


def test_a_notice_is_sent_once_even_when_its_task_runs_twice(
    client, published, smtp_email, django_capture_on_commit_callbacks
):
    share, _action = published
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/p/{share.token}/acknowledge/")
    before = len(smtp_email.messages)
    ack = share.acknowledgements.get()
    assert plan_team_notify_task("acknowledgement", ack.pk) is False
    assert len(smtp_email.messages) == before


def test_each_member_of_the_team_is_told_in_their_own_language(
    client, published, smtp_email, story, django_capture_on_commit_callbacks
):
    from insights.cases.models import StaffProfile
    from tests.factories import UserFactory

    share, _action = published
    colleague = UserFactory(username="am.piotr", email="piotr@hitouch.example")
    StaffProfile.objects.create(user=colleague, language="pl")
    story.northbridge.account_team.add(colleague)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/p/{share.token}/acknowledge/")

    by_recipient = {_to(m): m["Subject"] for m in smtp_email.messages[1:]}
    english = "Sara Karimi (Northbridge Health System) acknowledged the action plan"
    assert by_recipient["olivia@hitouch.example"] == english
    polish = by_recipient["piotr@hitouch.example"]
    assert "Sara Karimi" in polish and polish != english
