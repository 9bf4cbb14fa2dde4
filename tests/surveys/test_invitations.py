import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.constants import InvitationStatus, QuestionType, SkipReason
from surveys.models import Invitation, SurveyTranslation
from surveys.selectors.invitations import distribution_progress, survey_send_progress
from surveys.services.invitations import (
    distribution_create,
    invitation_email_build,
    invitation_send,
    invitations_claim_due,
    invitations_expire,
)
from surveys.tasks import invitation_send_task, invitations_dispatch_due_task
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43,}$")


@pytest.fixture
def survey():
    return SurveyFactory(title="Installation survey")


def test_distribution_create_makes_one_invitation_per_contact_with_unique_tokens(survey):
    contacts = ContactFactory.create_batch(5)

    distribution = distribution_create(survey=survey, contacts=contacts)

    invitations = list(distribution.invitations.all())
    assert sorted(i.contact_id for i in invitations) == sorted(c.pk for c in contacts)
    tokens = {i.token for i in invitations}
    assert len(tokens) == 5
    assert all(TOKEN.match(t) for t in tokens)
    assert {i.status for i in invitations} == {InvitationStatus.PENDING}


def test_distribution_create_records_opted_out_contacts_as_skipped(survey):
    reachable = ContactFactory()
    opted_out = ContactFactory(opted_out=True)

    distribution = distribution_create(survey=survey, contacts=[reachable, opted_out])

    skipped = distribution.invitations.get(contact=opted_out)
    assert skipped.status == InvitationStatus.SKIPPED
    assert skipped.skip_reason == SkipReason.OPTED_OUT
    assert distribution.invitations.get(contact=reachable).status == InvitationStatus.PENDING


def test_distribution_create_rejects_a_survey_that_is_not_live():
    with pytest.raises(ValidationError):
        distribution_create(survey=SurveyFactory(draft=True), contacts=[ContactFactory()])


def test_the_database_rejects_a_second_invitation_for_the_same_contact_in_a_send(survey):
    contact = ContactFactory()
    distribution = distribution_create(survey=survey, contacts=[contact])

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(survey=survey, distribution=distribution, contact=contact)


def test_distribution_create_queues_the_sends_after_commit(
    survey, django_capture_on_commit_callbacks
):
    contacts = ContactFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        distribution = distribution_create(survey=survey, contacts=contacts)
        assert mail.outbox == []

    assert len(mail.outbox) == 3
    assert set(distribution.invitations.values_list("status", flat=True)) == {InvitationStatus.SENT}


def test_a_rolled_back_send_mails_nobody(survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                distribution_create(survey=survey, contacts=[ContactFactory()])
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mail.outbox == []


def test_invitation_send_twice_sends_one_email():
    invitation = InvitationFactory(pending=True)

    assert invitation_send(invitation_id=invitation.pk) is True
    assert invitation_send(invitation_id=invitation.pk) is False

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT
    assert invitation.attempts == 1
    assert invitation.expires_at == invitation.sent_at + timedelta(
        days=invitation.survey.field_period_days
    )


def test_the_invitation_email_has_text_html_the_link_and_a_stable_message_id(survey):
    invitation = InvitationFactory(pending=True, survey=survey)

    invitation_send(invitation_id=invitation.pk)

    message = mail.outbox[0]
    assert message.to == [f"{invitation.contact.name} <{invitation.contact.email}>"]
    assert "Installation survey" in message.subject
    assert invitation.url in message.body
    assert invitation.url == f"http://testserver/s/{invitation.token}/"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{invitation.url}"' in html
    message_id = message.extra_headers["Message-ID"]
    rebuilt = invitation_email_build(invitation=invitation)
    assert rebuilt.extra_headers["Message-ID"] == message_id
    assert message_id.startswith("<invitation.") and message_id.endswith("@testserver>")
    assert invitation.token not in message_id


def test_the_invitation_email_is_written_in_the_contacts_language(survey):
    contact = ContactFactory(language="fa", name="Sara")
    SurveyTranslation.objects.create(survey=survey, language="fa", key="title", text="نظرسنجی نصب")
    invitation = InvitationFactory(pending=True, survey=survey, contact=contact)

    invitation_send(invitation_id=invitation.pk)

    message = mail.outbox[0]
    assert "نظرسنجی نصب" in message.subject
    html, _ = message.alternatives[0]
    assert 'lang="fa"' in html
    assert 'dir="rtl"' in html


@pytest.fixture
def unreachable_mail_server(settings):
    """Real SMTP to a port where nothing listens."""
    from tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2


def test_an_smtp_failure_keeps_the_invitation_pending_with_the_error(unreachable_mail_server):
    invitation = InvitationFactory(pending=True)

    with pytest.raises(ConnectionRefusedError):
        invitation_send(invitation_id=invitation.pk)

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert "refused" in invitation.error.lower()
    assert invitation.sent_at is None


@pytest.fixture
def eager_errors_swallowed():
    """Eager retries re-apply the task and would re-raise before the last one."""
    conf = invitation_send_task.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_the_send_task_marks_the_invitation_failed_after_the_last_retry(
    eager_errors_swallowed, unreachable_mail_server, monkeypatch
):
    invitation = InvitationFactory(pending=True)
    monkeypatch.setattr(invitation_send_task, "max_retries", 2)

    result = invitation_send_task.apply(args=[invitation.pk], throw=False)

    assert result.failed()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert invitation.attempts == 3
    assert "refused" in invitation.error.lower()
    assert invitation.failed_at is not None


def test_a_bad_message_fails_at_once_without_retrying():
    invitation = InvitationFactory(pending=True, contact=ContactFactory(name="Eve\r\nBcc: x@evil"))

    result = invitation_send_task.apply(args=[invitation.pk], throw=False)

    assert result.failed()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert invitation.attempts == 1
    assert mail.outbox == []


def test_an_invitation_of_a_closed_survey_is_skipped_not_sent():
    invitation = InvitationFactory(pending=True, survey=SurveyFactory(closed=True))

    assert invitation_send(invitation_id=invitation.pk) is False

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SKIPPED
    assert invitation.skip_reason == SkipReason.SURVEY_NOT_LIVE
    assert mail.outbox == []


def test_the_dispatcher_sends_due_rows_and_leaves_future_ones():
    now = timezone.now()
    due = InvitationFactory(pending=True, send_after=now - timedelta(minutes=1))
    unscheduled = InvitationFactory(pending=True)
    later = InvitationFactory(pending=True, send_after=now + timedelta(days=1))

    assert invitations_dispatch_due_task() == 2

    assert {m.to[0].split("<")[1][:-1] for m in mail.outbox} == {
        due.contact.email,
        unscheduled.contact.email,
    }
    later.refresh_from_db()
    assert later.status == InvitationStatus.PENDING


def test_the_dispatcher_leases_rows_so_the_next_run_does_not_queue_them_again():
    InvitationFactory.create_batch(3, pending=True)

    assert len(invitations_claim_due()) == 3
    assert invitations_claim_due() == []


def test_the_dispatcher_recovers_a_send_stuck_in_sending_after_the_lease():
    stuck = InvitationFactory(
        pending=True,
        status=InvitationStatus.SENDING,
        attempts=1,
        leased_until=timezone.now() - timedelta(seconds=1),
    )
    in_flight = InvitationFactory(
        pending=True,
        status=InvitationStatus.SENDING,
        attempts=1,
        leased_until=timezone.now() + timedelta(minutes=5),
    )

    invitations_dispatch_due_task()

    stuck.refresh_from_db()
    in_flight.refresh_from_db()
    assert stuck.status == InvitationStatus.SENT
    assert stuck.attempts == 2
    assert in_flight.status == InvitationStatus.SENDING
    assert len(mail.outbox) == 1


def test_links_past_their_field_period_expire():
    old = InvitationFactory(expired=True)
    fresh = InvitationFactory()

    assert invitations_expire() == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == InvitationStatus.EXPIRED
    assert fresh.status == InvitationStatus.SENT


def test_progress_counts_every_status_and_the_response_rate_in_one_query(
    survey, django_assert_num_queries
):
    distribution = distribution_create(
        survey=survey, contacts=[*ContactFactory.create_batch(4), ContactFactory(opted_out=True)]
    )
    first, second, third, fourth = distribution.invitations.filter(status=InvitationStatus.PENDING)
    now = timezone.now()
    Invitation.objects.filter(pk=first.pk).update(status=InvitationStatus.SENT, sent_at=now)
    Invitation.objects.filter(pk=second.pk).update(status=InvitationStatus.COMPLETED, sent_at=now)
    Invitation.objects.filter(pk=third.pk).update(status=InvitationStatus.FAILED)
    InvitationFactory(survey=survey, distribution=None, status=InvitationStatus.OPENED)

    with django_assert_num_queries(1):
        progress = distribution_progress(distribution=distribution)

    assert progress["total"] == 5
    assert progress["pending"] == 1
    assert progress["sent"] == 1
    assert progress["completed"] == 1
    assert progress["failed"] == 1
    assert progress["skipped"] == 1
    assert progress["opened"] == 0
    assert progress["expired"] == 0
    assert progress["delivered"] == 2
    assert progress["response_rate"] == 50.0
    overall = survey_send_progress(survey=survey)
    assert overall["total"] == 6
    assert overall["opened"] == 1
    assert overall["response_rate"] == pytest.approx(33.3)
    assert fourth.status == InvitationStatus.PENDING


def test_progress_of_an_empty_send_has_no_response_rate(survey):
    assert survey_send_progress(survey=survey)["response_rate"] is None


def test_invitation_email_offers_the_opening_nps_scale_as_one_click_links():
    survey = SurveyFactory()
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=1)
    invitation = InvitationFactory(survey=survey, pending=True)

    message = invitation_email_build(invitation=invitation)

    html = message.alternatives[0][0]
    for score in range(0, 11):
        assert f"{invitation.url}?score={score}" in message.body
        assert f'href="{invitation.url}?score={score}"' in html
    assert nps.text in message.body


def test_invitation_email_has_no_scale_links_when_the_survey_opens_with_text():
    survey = SurveyFactory()
    QuestionFactory(survey=survey, type=QuestionType.TEXT, page=1, position=1)
    QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=2)
    invitation = InvitationFactory(survey=survey, pending=True)

    message = invitation_email_build(invitation=invitation)

    assert "?score=" not in message.body


def test_a_reminder_is_its_own_mail_and_carries_the_opt_out_headers():
    invitation = InvitationFactory()
    first = invitation_email_build(invitation=invitation)
    reminder = invitation_email_build(invitation=invitation, reminder=1)

    assert reminder.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]
    assert reminder.extra_headers["List-Unsubscribe"] == first.extra_headers["List-Unsubscribe"]
    assert "/unsubscribe/" in reminder.body
