"""Closing the loop: a done action's follow-up pulse goes through the surveys' send to the
contacts it concerned, and the plan shows their scores before and after."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from insights.plans.constants import ActionStatus
from insights.plans.selectors.follow_ups import follow_up_after, follow_up_progress
from insights.plans.services.contents import action_create, action_update
from insights.plans.services.follow_ups import action_follow_up_schedule
from surveys.constants import DistributionOrigin, InvitationStatus, QuestionType
from surveys.models import Invitation
from tests.factories import AnswerFactory, ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_action(plan, story):
    action = action_create(
        plan=plan,
        user=story.team_member,
        title="Senior installer revisits",
        contacts=[story.key_contact, story.other_contact],
    )
    # Their answers before: Sara gave the relationship survey 3 (a detractor), Wang 9.
    for contact, score in ((story.key_contact, 3), (story.other_contact, 9)):
        response = ResponseFactory(
            survey=story.installation_survey,
            contact=contact,
            touch_point=story.installation,
            submitted_at=timezone.now() - timedelta(days=3),
        )
        AnswerFactory(
            response=response,
            question=story.installation_survey.questions.get(type=QuestionType.NPS),
            number=score,
        )
    return action_update(action=action, user=story.team_member, status=ActionStatus.DONE)


def test_a_follow_up_is_only_for_a_done_action(plan, story):
    action = action_create(
        plan=plan, user=story.team_member, title="Open", contacts=[story.key_contact]
    )
    with pytest.raises(ValidationError, match="once it is done"):
        action_follow_up_schedule(action=action, user=story.team_member, survey=story.pulse)


def test_the_follow_up_pulse_goes_through_the_surveys_send_to_the_actions_contacts(
    done_action, story
):
    follow_up = action_follow_up_schedule(
        action=done_action, user=story.team_member, survey=story.pulse, send_after=timezone.now()
    )
    send = follow_up.distribution
    assert send.origin == DistributionOrigin.PULSE and send.survey == story.pulse
    invited = set(Invitation.objects.filter(distribution=send).values_list("contact", flat=True))
    assert invited == {story.key_contact.pk, story.other_contact.pk}
    # Before: one detractor and one promoter -> NPS 0 on 2 answers (kept as it stood).
    assert (follow_up.before["nps"], follow_up.before["nps_n"]) == (0.0, 2)
    with pytest.raises(ValidationError, match="already"):
        action_follow_up_schedule(action=done_action, user=story.team_member, survey=story.pulse)


def test_the_plan_shows_the_score_after_from_the_pulse_answers(done_action, story):
    follow_up = action_follow_up_schedule(
        action=done_action, user=story.team_member, survey=story.pulse, send_after=timezone.now()
    )
    assert follow_up_after(follow_up)["nps_n"] == 0
    question = story.pulse.questions.get(type=QuestionType.NPS)
    for invitation, score in zip(
        Invitation.objects.filter(distribution=follow_up.distribution).order_by("contact_id"),
        (9, 10),
        strict=True,
    ):
        response = ResponseFactory(
            survey=story.pulse,
            invitation=invitation,
            distribution=follow_up.distribution,
            contact=invitation.contact,
            touch_point=None,
        )
        AnswerFactory(response=response, question=question, number=score)
        Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.COMPLETED)
    after = follow_up_after(follow_up)
    assert (after["nps"], after["nps_n"]) == (100.0, 2)
    assert follow_up_progress(follow_up)["answered"] == 2


def test_a_later_send_date_waits_for_the_dispatcher(done_action, story):
    later = timezone.now() + timedelta(days=7)
    follow_up = action_follow_up_schedule(
        action=done_action, user=story.team_member, survey=story.pulse, send_after=later
    )
    rows = Invitation.objects.filter(distribution=follow_up.distribution)
    assert {row.status for row in rows} == {InvitationStatus.PENDING}
    assert all(row.send_after == later for row in rows)


def test_only_a_live_pulse_survey_can_follow_up(done_action, story):
    with pytest.raises(ValidationError, match="pulse"):
        action_follow_up_schedule(
            action=done_action, user=story.team_member, survey=story.installation_survey
        )


def test_the_detail_page_shows_before_and_after(client, done_action, story, plan):
    action_follow_up_schedule(
        action=done_action, user=story.team_member, survey=story.pulse, send_after=timezone.now()
    )
    client.force_login(story.team_member)
    html = client.get(f"/action-plans/{plan.pk}/").content.decode()
    assert "How are we doing now?" in html
    assert "Before" in html and "After" in html
