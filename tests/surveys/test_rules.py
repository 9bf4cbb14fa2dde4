"""The rules every send obeys (fatigue, account budget) and how failures end (4xx/5xx, expiry).

Skipped invitations are stored with their reason; nothing is dropped silently.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from surveys.constants import InvitationStatus, SkipReason
from surveys.models import Invitation
from surveys.selectors.invitations import distribution_progress
from surveys.services.invitations import distribution_create
from surveys.services.invitations import ledger as invitations_ledger
from surveys.tasks import invitation_send_task, invitations_dispatch_due_task
from tests.conftest import SmtpSink, free_port
from tests.factories import AccountFactory, ContactFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _status(distribution, contact):
    invitation = distribution.invitations.get(contact=contact)
    return invitation.status, invitation.skip_reason


# ------------------------------------------------------------------ contact fatigue


def test_a_contact_invited_within_the_window_by_any_survey_is_skipped(settings):
    settings.CEM_FATIGUE_WINDOW_DAYS = 30
    recent, old, fresh = ContactFactory(), ContactFactory(), ContactFactory()
    InvitationFactory(contact=recent, sent_at=timezone.now() - timedelta(days=10))
    InvitationFactory(contact=old, sent_at=timezone.now() - timedelta(days=40))

    distribution = distribution_create(survey=SurveyFactory(), contacts=[recent, old, fresh])

    assert _status(distribution, recent) == (
        InvitationStatus.SKIPPED,
        SkipReason.CONTACT_FATIGUE,
    )
    assert _status(distribution, old) == (InvitationStatus.PENDING, "")
    assert _status(distribution, fresh) == (InvitationStatus.PENDING, "")
    assert distribution_progress(distribution=distribution)["skipped"] == 1


def test_a_scheduled_invitation_counts_like_a_sent_one():
    contact = ContactFactory()
    InvitationFactory(contact=contact, pending=True, send_after=timezone.now() + timedelta(days=3))

    distribution = distribution_create(survey=SurveyFactory(), contacts=[contact])

    assert _status(distribution, contact) == (
        InvitationStatus.SKIPPED,
        SkipReason.CONTACT_FATIGUE,
    )


@pytest.mark.parametrize("status", [InvitationStatus.SKIPPED, InvitationStatus.FAILED])
def test_skipped_and_failed_invitations_do_not_count(status):
    contact = ContactFactory()
    InvitationFactory(contact=contact, status=status, sent_at=None)

    distribution = distribution_create(survey=SurveyFactory(), contacts=[contact])

    assert _status(distribution, contact) == (InvitationStatus.PENDING, "")


def test_a_surveys_own_window_overrides_the_setting(settings):
    settings.CEM_FATIGUE_WINDOW_DAYS = 30
    contact = ContactFactory()
    InvitationFactory(contact=contact, sent_at=timezone.now() - timedelta(days=10))
    short = SurveyFactory(transaction=True, fatigue_window_days=7)
    off = SurveyFactory(fatigue_window_days=0)

    assert _status(distribution_create(survey=short, contacts=[contact]), contact) == (
        InvitationStatus.PENDING,
        "",
    )
    assert _status(distribution_create(survey=off, contacts=[contact]), contact) == (
        InvitationStatus.PENDING,
        "",
    )


def test_fatigue_is_checked_again_at_send_time_against_delivered_links():
    contact = ContactFactory()
    later = SurveyFactory(fatigue_window_days=7)
    distribution = distribution_create(
        survey=later, contacts=[contact], send_after=timezone.now() + timedelta(days=1)
    )
    waiting = distribution.invitations.get()
    # Meanwhile a survey with a short window of its own reached the contact.
    InvitationFactory(contact=contact, sent_at=timezone.now() - timedelta(hours=1))
    waiting.__class__.objects.filter(pk=waiting.pk).update(
        send_after=timezone.now() - timedelta(seconds=1)
    )

    assert invitation_send_task(waiting.pk) is False

    waiting.refresh_from_db()
    assert waiting.status == InvitationStatus.SKIPPED
    assert waiting.skip_reason == SkipReason.CONTACT_FATIGUE
    assert mail.outbox == []


# ------------------------------------------------------------------ account budget


def test_an_account_gets_at_most_k_invitations_key_contacts_first(settings):
    settings.CEM_ACCOUNT_MAX_INVITATIONS = 3
    account = AccountFactory()
    plain = ContactFactory.create_batch(3, account=account)
    key = ContactFactory.create_batch(2, account=account, is_key_contact=True)
    other_account = ContactFactory()

    distribution = distribution_create(
        survey=SurveyFactory(), contacts=[*plain, *key, other_account]
    )

    invited = distribution.invitations.filter(status=InvitationStatus.PENDING)
    skipped = distribution.invitations.filter(skip_reason=SkipReason.ACCOUNT_FATIGUE)
    assert invited.filter(contact__account=account).count() == 3
    assert skipped.count() == 2
    assert set(key) <= {i.contact for i in invited}
    assert _status(distribution, other_account) == (InvitationStatus.PENDING, "")


def test_earlier_invitations_of_the_account_use_up_its_budget(settings):
    settings.CEM_ACCOUNT_MAX_INVITATIONS = 2
    account = AccountFactory()
    InvitationFactory(contact=ContactFactory(account=account))
    InvitationFactory(
        contact=ContactFactory(account=account), sent_at=timezone.now() - timedelta(days=45)
    )
    newcomers = ContactFactory.create_batch(2, account=account)

    distribution = distribution_create(survey=SurveyFactory(), contacts=newcomers)

    assert sorted(distribution.invitations.values_list("skip_reason", flat=True)) == [
        "",
        SkipReason.ACCOUNT_FATIGUE,
    ]


def test_contacts_skipped_for_other_reasons_do_not_use_the_account_budget(settings):
    settings.CEM_ACCOUNT_MAX_INVITATIONS = 1
    account = AccountFactory()
    opted_out = ContactFactory(account=account, opted_out=True, is_key_contact=True)
    reachable = ContactFactory(account=account)

    distribution = distribution_create(survey=SurveyFactory(), contacts=[opted_out, reachable])

    assert _status(distribution, opted_out) == (InvitationStatus.SKIPPED, SkipReason.OPTED_OUT)
    assert _status(distribution, reachable) == (InvitationStatus.PENDING, "")


# ------------------------------------------------------------------ SMTP refusals


class RefusingSink(SmtpSink):
    """A real SMTP server that answers DATA with a fixed reply until told otherwise."""

    reply = "451 4.3.0 Try again later"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        if self.reply.startswith("250"):
            return await super().handle_DATA(server, session, envelope)
        self.refused = getattr(self, "refused", 0) + 1
        return self.reply


@pytest.fixture
def refusing_smtp(settings):
    from aiosmtpd.controller import Controller

    sink = RefusingSink()
    sink.port = free_port()
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def test_a_4xx_reply_is_retried_with_backoff_then_failed_with_the_error(refusing_smtp, monkeypatch):
    monkeypatch.setattr(invitations_ledger, "MAX_SEND_ATTEMPTS", 3)
    distribution = distribution_create(survey=SurveyFactory(), contacts=[ContactFactory()])
    invitation = distribution.invitations.get()

    assert invitation_send_task(invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.leased_until > timezone.now()  # the backoff
    for _retry in range(2):  # the dispatcher takes the row back once its lease is over
        Invitation.objects.filter(pk=invitation.pk).update(leased_until=timezone.now())
        invitations_dispatch_due_task()

    assert refusing_smtp.refused == 3
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert invitation.attempts == 3
    assert "451" in invitation.error
    assert invitation.leased_until is None
    assert distribution_progress(distribution=distribution)["failed"] == 1


def test_a_4xx_then_recovery_delivers_exactly_one_message(refusing_smtp):
    invitation = InvitationFactory(pending=True)

    assert invitation_send_task(invitation.pk) is False
    invitation.refresh_from_db()
    assert "451" in invitation.error
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.sent_at is None
    refusing_smtp.reply = "250 OK"

    assert invitation_send_task(invitation.pk) is True
    assert invitation_send_task(invitation.pk) is False
    assert len(refusing_smtp.messages) == 1


def test_a_5xx_reply_fails_at_once_without_retrying(refusing_smtp):
    refusing_smtp.reply = "550 5.1.1 User unknown"
    distribution = distribution_create(survey=SurveyFactory(), contacts=[ContactFactory()])
    invitation = distribution.invitations.get()

    result = invitation_send_task.apply(args=[invitation.pk], throw=False)

    assert result.failed()
    assert refusing_smtp.refused == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert invitation.attempts == 1
    assert "550" in invitation.error
    progress = distribution_progress(distribution=distribution)
    assert (progress["failed"], progress["sent"]) == (1, 0)


# ------------------------------------------------------------------ the schedule and the lease


def test_the_dispatcher_leaves_leased_rows_and_takes_them_back_when_the_lease_runs_out():
    now = timezone.now()
    queued = InvitationFactory(pending=True, leased_until=now + timedelta(minutes=5))
    lost = InvitationFactory(pending=True, leased_until=now - timedelta(seconds=1))
    scheduled = InvitationFactory(pending=True, send_after=now + timedelta(hours=1))

    assert invitations_dispatch_due_task() == 1

    lost.refresh_from_db()
    queued.refresh_from_db()
    scheduled.refresh_from_db()
    assert lost.status == InvitationStatus.SENT
    assert queued.status == InvitationStatus.PENDING
    assert scheduled.status == InvitationStatus.PENDING
    assert scheduled.send_after > now  # the schedule is never used as a lease


def test_invitations_expire_after_the_field_period_through_the_dispatcher():
    survey = SurveyFactory(field_period_days=5)
    invitation = InvitationFactory(pending=True, survey=survey)
    invitation_send_task(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.expires_at == invitation.sent_at + timedelta(days=5)
    invitation.__class__.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now() - timedelta(days=6),
        expires_at=timezone.now() - timedelta(days=1),
    )

    invitations_dispatch_due_task()

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED


# ------------------------------------------------------------------ the bulk path on PostgreSQL


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="INSERT ... SELECT FROM unnest() is the PostgreSQL path",
)
def test_the_unnest_insert_makes_the_same_rows_as_the_orm(monkeypatch):
    from surveys.services.invitations import create

    monkeypatch.setattr(create, "FAST_INSERT_MIN_ROWS", 1)
    monkeypatch.setattr(create, "FAST_INSERT_CHUNK", 3)
    contacts = [*ContactFactory.create_batch(6), ContactFactory(opted_out=True)]

    distribution = distribution_create(survey=SurveyFactory(), contacts=contacts)

    rows = list(distribution.invitations.all())
    assert len(rows) == 7
    assert len({row.token for row in rows}) == 7
    assert all(len(row.token) >= 43 for row in rows)
    pending = [row for row in rows if row.status == InvitationStatus.PENDING]
    assert len(pending) == 6
    assert all(row.leased_until is not None and row.created_at for row in pending)
    (skipped,) = [row for row in rows if row.status == InvitationStatus.SKIPPED]
    assert skipped.skip_reason == SkipReason.OPTED_OUT
    assert skipped.leased_until is None
    assert {row.attempts for row in rows} == {0}
    assert {row.survey_id for row in rows} == {distribution.survey_id}
