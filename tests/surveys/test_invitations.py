import re
from datetime import timedelta
from email.utils import getaddresses

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
    invitations_claim_due,
    invitations_expire,
    invitations_send_chunk,
)
from surveys.services.invitations import ledger as invitations_ledger
from surveys.tasks import (
    invitation_send_task,
    invitations_dispatch_due_task,
    invitations_send_chunk_task,
)
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

    assert invitation_send_task(invitation.pk) is True
    assert invitation_send_task(invitation.pk) is False

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT
    assert invitation.attempts == 1
    assert invitation.expires_at == invitation.sent_at + timedelta(
        days=invitation.survey.field_period_days
    )


def test_the_invitation_email_has_text_html_the_link_and_a_stable_message_id(survey):
    invitation = InvitationFactory(pending=True, survey=survey)

    invitation_send_task(invitation.pk)

    message = mail.outbox[0]
    # Parsed, not compared as text: a name such as "Mrs. X" is quoted in the header.
    assert getaddresses(message.to) == [(invitation.contact.name, invitation.contact.email)]
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

    invitation_send_task(invitation.pk)

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

    # Put back for the dispatcher to retry after a backoff, not retried by Celery.
    assert invitation_send_task(invitation.pk) is False

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert "refused" in invitation.error.lower()
    assert invitation.sent_at is None
    assert invitation.leased_until > timezone.now()


def test_a_send_task_that_keeps_failing_is_retried_by_the_dispatcher_then_failed(
    unreachable_mail_server, monkeypatch
):
    invitation = InvitationFactory(pending=True)
    monkeypatch.setattr(invitations_ledger, "MAX_SEND_ATTEMPTS", 3)

    result = invitation_send_task.apply(args=[invitation.pk], throw=False)
    for _retry in range(2):  # the dispatcher takes the row back once its backoff lease is over
        Invitation.objects.filter(pk=invitation.pk).update(leased_until=timezone.now())
        invitations_dispatch_due_task()

    assert result.successful() and result.result is False
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

    assert invitation_send_task(invitation.pk) is False

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


# ------------------------------------------------------------------ chunks over one connection


def _chunk_ids(distribution) -> list[int]:
    return list(distribution.invitations.order_by("pk").values_list("pk", flat=True))


def test_a_chunk_sends_each_invitation_once_over_one_smtp_connection(survey, smtp_email):
    contacts = ContactFactory.create_batch(6)
    distribution = distribution_create(survey=survey, contacts=contacts)

    assert invitations_send_chunk_task.apply(args=[_chunk_ids(distribution)]).get() == 6

    assert smtp_email.connections == 1
    assert {m["X-Sink-Session"] for m in smtp_email.messages} == {"1"}
    assert sorted(m["X-Envelope-To"] for m in smtp_email.messages) == sorted(
        c.email for c in contacts
    )
    assert len({m["Message-ID"] for m in smtp_email.messages}) == 6
    rows = distribution.invitations.all()
    assert {(r.status, r.attempts, r.leased_until) for r in rows} == {
        (InvitationStatus.SENT, 1, None)
    }
    assert all(r.expires_at == r.sent_at + timedelta(days=survey.field_period_days) for r in rows)


def test_a_redelivered_chunk_sends_nothing_twice(survey, smtp_email):
    distribution = distribution_create(survey=survey, contacts=ContactFactory.create_batch(4))
    ids = _chunk_ids(distribution)
    assert invitations_send_chunk(invitation_ids=ids) == {"sent": 4}

    # The same chunk again (a redelivery), and overlapping chunks with a duplicate id.
    assert invitations_send_chunk(invitation_ids=ids) == {"taken": 4}
    assert invitations_send_chunk(invitation_ids=[ids[0], ids[0], ids[1]]) == {"taken": 2}

    assert len(smtp_email.messages) == 4
    assert smtp_email.connections == 1  # nothing to send: no connection is opened
    assert set(distribution.invitations.values_list("attempts", flat=True)) == {1}


def test_a_chunk_fails_the_row_refused_with_550_and_sends_the_rest(survey, smtp_email):
    unknown = ContactFactory(email="nobody@customer.example")
    others = ContactFactory.create_batch(3)
    smtp_email.refuse[unknown.email] = "550 5.1.1 User unknown"
    distribution = distribution_create(survey=survey, contacts=[others[0], unknown, *others[1:]])

    outcome = invitations_send_chunk(invitation_ids=_chunk_ids(distribution))

    assert outcome == {"sent": 3, "failed": 1}
    failed = distribution.invitations.get(contact=unknown)
    assert failed.status == InvitationStatus.FAILED
    assert "550" in failed.error
    assert failed.leased_until is None and failed.sent_at is None
    assert sorted(m["X-Envelope-To"] for m in smtp_email.messages) == sorted(
        c.email for c in others
    )
    assert smtp_email.connections == 1  # the refusal did not cost the connection
    # A poison row is final: a redelivery or the dispatcher never sends it again.
    assert invitations_send_chunk(invitation_ids=_chunk_ids(distribution)) == {"taken": 4}
    assert invitations_claim_due() == []


def test_a_chunk_puts_a_4xx_row_back_with_a_backoff_and_the_dispatcher_retries_it_once(
    survey, smtp_email
):
    busy = ContactFactory(email="busy@customer.example")
    smtp_email.refuse[busy.email] = "451 4.2.1 Mailbox busy, try later"
    distribution = distribution_create(
        survey=survey, contacts=[busy, *ContactFactory.create_batch(2)]
    )

    assert invitations_send_chunk(invitation_ids=_chunk_ids(distribution)) == {
        "sent": 2,
        "retry": 1,
    }
    retry = distribution.invitations.get(contact=busy)
    assert retry.status == InvitationStatus.PENDING
    assert "451" in retry.error and retry.sent_at is None and retry.attempts == 1
    assert timezone.now() < retry.leased_until < timezone.now() + timedelta(seconds=3)
    assert invitations_claim_due() == []  # the backoff keeps the dispatcher away for now

    del smtp_email.refuse[busy.email]
    Invitation.objects.filter(pk=retry.pk).update(leased_until=timezone.now())
    assert invitations_dispatch_due_task() == 1

    retry.refresh_from_db()
    assert (retry.status, retry.attempts, retry.error) == (InvitationStatus.SENT, 2, "")
    assert [m["X-Envelope-To"] for m in smtp_email.messages].count(busy.email) == 1
    assert len(smtp_email.messages) == 3


def test_a_chunk_with_the_mail_server_down_sends_nothing_and_keeps_every_row_pending(
    survey, unreachable_mail_server
):
    distribution = distribution_create(survey=survey, contacts=ContactFactory.create_batch(5))

    outcome = invitations_send_chunk(invitation_ids=_chunk_ids(distribution))

    assert outcome == {"retry": 5}
    rows = list(distribution.invitations.all())
    assert {(r.status, r.attempts) for r in rows} == {(InvitationStatus.PENDING, 1)}
    assert all("refused" in r.error.lower() and r.sent_at is None for r in rows)
    assert all(r.leased_until > timezone.now() for r in rows)  # the backoff


def test_a_chunk_gives_up_on_rows_after_the_last_attempt(survey, unreachable_mail_server):
    from surveys.services.invitations import MAX_SEND_ATTEMPTS

    distribution = distribution_create(survey=survey, contacts=ContactFactory.create_batch(3))
    distribution.invitations.update(attempts=MAX_SEND_ATTEMPTS - 1)

    assert invitations_send_chunk(invitation_ids=_chunk_ids(distribution)) == {"failed": 3}
    rows = distribution.invitations.all()
    assert {(r.status, r.attempts, r.leased_until) for r in rows} == {
        (InvitationStatus.FAILED, MAX_SEND_ATTEMPTS, None)
    }
    assert all("refused" in r.error.lower() for r in rows)


def test_a_chunk_fails_a_bad_header_row_and_mails_no_extra_recipient(survey, smtp_email):
    evil = ContactFactory(name="Eve\r\nBcc: x@evil.example")
    distribution = distribution_create(survey=survey, contacts=[evil, ContactFactory()])

    assert invitations_send_chunk(invitation_ids=_chunk_ids(distribution)) == {
        "sent": 1,
        "failed": 1,
    }
    assert distribution.invitations.get(contact=evil).status == InvitationStatus.FAILED
    assert len(smtp_email.messages) == 1
    assert "evil" not in smtp_email.messages[0]["X-Envelope-To"]


def test_a_chunk_applies_the_send_time_rules(survey, smtp_email, settings):
    settings.CEM_FATIGUE_WINDOW_DAYS = 7
    other_survey = SurveyFactory()
    leaving, twice, fine = ContactFactory.create_batch(3)
    first = distribution_create(survey=survey, contacts=[leaving, twice, fine])
    # Created before the first was sent, so creation did not see it: the send must.
    second = distribution_create(survey=other_survey, contacts=[twice])
    assert second.invitations.get().status == InvitationStatus.SKIPPED  # creation-time rule
    second.invitations.update(status=InvitationStatus.PENDING, skip_reason="")
    leaving.opted_out = True
    leaving.save()

    ids = _chunk_ids(first) + _chunk_ids(second)
    assert invitations_send_chunk(invitation_ids=ids) == {"sent": 2, "skipped": 2}

    assert first.invitations.get(contact=leaving).skip_reason == SkipReason.OPTED_OUT
    assert second.invitations.get().skip_reason == SkipReason.CONTACT_FATIGUE
    assert sorted(m["X-Envelope-To"] for m in smtp_email.messages) == sorted(
        [twice.email, fine.email]
    )


def test_a_chunk_of_a_closed_survey_skips_its_rows(smtp_email):
    survey = SurveyFactory()
    distribution = distribution_create(survey=survey, contacts=ContactFactory.create_batch(2))
    survey.status = SurveyFactory(closed=True).status
    survey.save()

    assert invitations_send_chunk(invitation_ids=_chunk_ids(distribution)) == {"skipped": 2}
    assert set(distribution.invitations.values_list("skip_reason", flat=True)) == {
        SkipReason.SURVEY_NOT_LIVE
    }
    assert smtp_email.messages == []


def test_a_chunk_writes_each_mail_in_its_contacts_language(survey, smtp_email):
    SurveyTranslation.objects.create(survey=survey, language="fa", key="title", text="نظرسنجی نصب")
    persian = ContactFactory(language="fa")
    english = ContactFactory(language="en")
    QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=1)
    distribution = distribution_create(survey=survey, contacts=[persian, english, ContactFactory()])

    invitations_send_chunk(invitation_ids=_chunk_ids(distribution))

    subjects = {m["X-Envelope-To"]: m["Subject"] for m in smtp_email.messages}
    assert "نظرسنجی نصب" in subjects[persian.email]
    assert "Installation survey" in subjects[english.email]
    for message in smtp_email.messages:  # the one-click scale and the link are per contact
        invitation = distribution.invitations.get(contact__email=message["X-Envelope-To"])
        assert f"{invitation.url}?score=10" in message.get_body(("plain",)).get_content()


def test_a_chunk_costs_two_queries_per_message(survey, smtp_email):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=1)
    small = distribution_create(survey=survey, contacts=ContactFactory.create_batch(3))
    large = distribution_create(survey=survey, contacts=ContactFactory.create_batch(9))

    with CaptureQueriesContext(connection) as queries_small:
        invitations_send_chunk(invitation_ids=_chunk_ids(small))
    with CaptureQueriesContext(connection) as queries_large:
        invitations_send_chunk(invitation_ids=_chunk_ids(large))

    def statements(queries) -> list[str]:  # savepoints are transactions, not round trips
        return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]

    # The claim and the SENT mark; rows, rules and texts are read once per chunk.
    extra = statements(queries_large)[len(statements(queries_small)) :]
    assert len(statements(queries_large)) - len(statements(queries_small)) == 2 * 6
    assert all(sql.startswith("UPDATE") for sql in extra)
    assert len(smtp_email.messages) == 12


def test_sends_are_published_in_chunks_of_send_chunk_size(
    survey, smtp_email, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(invitations_ledger, "SEND_CHUNK_SIZE", 2)

    with django_capture_on_commit_callbacks(execute=True):
        distribution = distribution_create(survey=survey, contacts=ContactFactory.create_batch(5))

    assert len(smtp_email.messages) == 5
    assert smtp_email.connections == 3  # chunks of 2, 2 and 1
    assert set(distribution.invitations.values_list("status", flat=True)) == {InvitationStatus.SENT}
