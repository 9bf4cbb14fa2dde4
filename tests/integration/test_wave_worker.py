"""A real Celery worker on Redis runs a relationship wave against a real SMTP server: the wave
sends to its audience, a reminder goes to the non-respondents only, and the wave closes.

Same set-up as test_celery_worker.py (its fixtures are reused): the worker is a subprocess on
the test database, consuming a queue of this test's own.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.constants import Audience, InvitationStatus, QuestionType, WaveStatus
from surveys.models import Distribution, Invitation, RelationshipProgramme, Response, Wave
from surveys.services.waves import wave_start
from surveys.tasks import waves_close_due_task, waves_send_reminders_task
from tests.factories import AccountFactory, ContactFactory, QuestionFactory, SurveyFactory
from tests.integration.test_celery_worker import (  # noqa: F401 (fixtures)
    _redis,
    _wait_for,
    queue,
    worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_a_wave_reminds_non_respondents_once_and_closes(
    worker,  # noqa: F811
    queue,  # noqa: F811
    smtp_sink,
):
    survey = SurveyFactory(title="Relationship survey")
    QuestionFactory(survey=survey, type=QuestionType.NPS)
    audience = ContactFactory.create_batch(3, is_key_contact=True)
    outsider = ContactFactory(is_key_contact=False, account=AccountFactory())
    programme = RelationshipProgramme.objects.create(
        name="Key accounts",
        survey=survey,
        cadence_months=6,
        first_wave_on=timezone.localdate(),
        audience=Audience.KEY_CONTACTS,
        reminder_after_days=0,  # due at once, so the test need not wait days
        max_reminders=1,
    )

    wave = wave_start(programme=programme)
    assert wave_start(programme=programme).pk == wave.pk  # a second beat: nothing new
    invitations = Invitation.objects.filter(distribution=wave.distribution)

    def all_sent() -> bool:
        statuses = list(invitations.values_list("status", flat=True))
        return statuses == [InvitationStatus.SENT] * 3 and len(smtp_sink.messages) >= 3

    _wait_for(all_sent, worker)
    invited = sorted(m["X-Envelope-To"] for m in smtp_sink.messages)
    assert invited == sorted(c.email for c in audience)
    assert outsider.email not in invited

    respondent = invitations.get(contact=audience[0])
    # What response_submit stores for a completed answer (the answering flow has tests of its own).
    Invitation.objects.filter(pk=respondent.pk).update(
        status=InvitationStatus.COMPLETED, completed_at=timezone.now()
    )
    Response.objects.create(
        survey=survey,
        invitation=respondent,
        distribution=wave.distribution,
        contact=respondent.contact,
        account=respondent.contact.account,
        submitted_at=timezone.now(),
    )

    waves_send_reminders_task.delay()
    _wait_for(lambda: len(smtp_sink.messages) >= 5, worker)
    waves_send_reminders_task.delay()  # at most one reminder each: this one sends nothing
    broker = _redis()
    _wait_for(lambda: broker.llen(queue) == 0, worker)
    time.sleep(1)

    reminders = [m for m in smtp_sink.messages[3:]]
    assert len(reminders) == 2
    assert sorted(m["X-Envelope-To"] for m in reminders) == sorted(c.email for c in audience[1:])
    assert all(m["Subject"].startswith("Reminder") for m in reminders)
    assert set(invitations.exclude(pk=respondent.pk).values_list("reminders_sent", flat=True)) == {
        1
    }

    # The field period ends: the daily close task closes the wave.
    past = timezone.now() - timedelta(minutes=1)
    Wave.objects.filter(pk=wave.pk).update(opens_at=past - timedelta(days=30), closes_at=past)
    Distribution.objects.filter(pk=wave.distribution_id).update(closes_at=past)
    waves_close_due_task.delay()
    _wait_for(lambda: Wave.objects.get(pk=wave.pk).status == WaveStatus.CLOSED, worker)
    assert len(smtp_sink.messages) == 5
