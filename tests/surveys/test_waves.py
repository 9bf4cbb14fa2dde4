from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.constants import AccountStatus
from surveys.constants import Audience, DistributionOrigin, InvitationStatus, WaveStatus
from surveys.models import Distribution, Invitation, RelationshipProgramme, Response, Wave
from surveys.selectors.waves import wave_coverage, wave_list, wave_response_rate
from surveys.services.waves import (
    add_months,
    programme_period_start,
    programmes_start_due,
    wave_send_reminders,
    wave_start,
    waves_close_due,
)
from surveys.tasks import (
    programmes_start_due_task,
    waves_close_due_task,
    waves_send_reminders_task,
)
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    ContactFactory,
    QuestionFactory,
    SurveyFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


def _programme(**kwargs) -> RelationshipProgramme:
    defaults = {
        "name": "Relationship",
        "survey": SurveyFactory(),
        "cadence_months": 6,
        "first_wave_on": date(2026, 1, 15),
        "field_period_days": 30,
        "reminder_after_days": 7,
        "max_reminders": 2,
    }
    vertical_markets = kwargs.pop("vertical_markets", [])
    programme = RelationshipProgramme.objects.create(**{**defaults, **kwargs})
    programme.vertical_markets.set(vertical_markets)
    return programme


def _mark_sent(wave: Wave, when) -> None:
    """What the worker does; eager tasks do not run inside a test transaction."""
    Invitation.objects.filter(
        distribution=wave.distribution, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.SENT, sent_at=when, expires_at=when + timedelta(days=60))


# ------------------------------------------------------------------ schedule


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 14), None),
        (date(2026, 1, 15), date(2026, 1, 15)),
        (date(2026, 7, 14), date(2026, 1, 15)),
        (date(2026, 7, 15), date(2026, 7, 15)),
        (date(2027, 3, 1), date(2027, 1, 15)),
    ],
)
def test_programme_period_start_counts_half_years_from_the_first_wave(today, expected):
    programme = _programme()
    assert programme_period_start(programme=programme, today=today) == expected


# ------------------------------------------------------------------ audience


def test_a_wave_sends_to_all_active_accounts_contacts_and_nobody_else():
    programme = _programme(audience=Audience.ALL_ACCOUNTS)
    audience = ContactFactory.create_batch(3)
    ContactFactory(account=AccountFactory(status=AccountStatus.LOST))

    wave = wave_start(programme=programme, period_start=date(2026, 1, 15))

    invited = set(wave.distribution.invitations.values_list("contact_id", flat=True))
    assert invited == {c.pk for c in audience}
    assert wave.distribution.origin == DistributionOrigin.WAVE
    assert wave.status == WaveStatus.OPEN
    assert wave.distribution.closes_at == wave.closes_at
    assert wave.closes_at - wave.opens_at == timedelta(days=30)


def test_a_wave_sends_only_to_the_chosen_vertical_markets():
    energy, health = VerticalMarketFactory(), VerticalMarketFactory()
    programme = _programme(audience=Audience.VERTICAL_MARKETS, vertical_markets=[energy])
    inside = ContactFactory.create_batch(2, account=AccountFactory(vertical_market=energy))
    ContactFactory(account=AccountFactory(vertical_market=health))

    wave = wave_start(programme=programme, period_start=date(2026, 1, 15))

    invited = set(wave.distribution.invitations.values_list("contact_id", flat=True))
    assert invited == {c.pk for c in inside}


def test_a_key_contacts_wave_sends_only_to_key_contacts():
    programme = _programme(audience=Audience.KEY_CONTACTS)
    key = ContactFactory(is_key_contact=True)
    ContactFactory(is_key_contact=False, account=key.account)

    wave = wave_start(programme=programme, period_start=date(2026, 1, 15))

    assert list(wave.distribution.invitations.values_list("contact_id", flat=True)) == [key.pk]


# ------------------------------------------------------------------ idempotency


def test_a_second_wave_start_for_the_same_period_creates_and_sends_nothing_new():
    programme = _programme()
    ContactFactory.create_batch(3)

    first = wave_start(programme=programme, period_start=date(2026, 1, 15))
    second = wave_start(programme=programme, period_start=date(2026, 1, 15))

    assert second.pk == first.pk
    assert Wave.objects.count() == 1
    assert Distribution.objects.count() == 1
    assert Invitation.objects.count() == 3


def test_two_beats_on_the_same_day_start_one_wave(django_capture_on_commit_callbacks):
    programme = _programme()
    ContactFactory.create_batch(2)
    today = date(2026, 7, 20)

    with django_capture_on_commit_callbacks(execute=True):
        started = programmes_start_due(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        again = programmes_start_due(today=today)

    assert [w.period_start for w in started] == [date(2026, 7, 15)]
    assert again == []
    assert Wave.objects.filter(programme=programme).count() == 1
    assert len(mail.outbox) == 2  # eager worker: each contact mailed once


def test_programmes_start_due_skips_inactive_and_not_yet_due_programmes():
    ContactFactory()
    _programme(is_active=False)
    _programme(first_wave_on=date(2026, 9, 1))

    assert programmes_start_due(today=date(2026, 8, 1)) == []
    assert Wave.objects.count() == 0


def test_a_programme_whose_survey_is_not_live_starts_nothing_and_the_others_still_start():
    ContactFactory()
    _programme(name="Draft", survey=SurveyFactory(draft=True))
    live = _programme(name="Live")

    started = programmes_start_due(today=date(2026, 2, 1))

    assert [w.programme for w in started] == [live]
    assert Wave.objects.count() == 1


def test_programmes_start_due_task_uses_today(monkeypatch):
    ContactFactory()
    _programme(first_wave_on=timezone.localdate() - timedelta(days=3))

    assert programmes_start_due_task() == 1
    assert programmes_start_due_task() == 0


# ------------------------------------------------------------------ reminders


@pytest.fixture
def open_wave():
    programme = _programme(reminder_after_days=7, max_reminders=2)
    ContactFactory.create_batch(3)
    wave = wave_start(programme=programme, period_start=date(2026, 1, 15))
    sent_at = wave.opens_at
    _mark_sent(wave, sent_at)
    return wave


def _answer(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.COMPLETED, completed_at=timezone.now()
    )
    Response.objects.create(
        survey=invitation.survey,
        invitation=invitation,
        distribution=invitation.distribution,
        contact=invitation.contact,
        account=invitation.contact.account,
        submitted_at=timezone.now(),
    )


def test_reminders_go_only_to_non_respondents_after_n_days_and_stop_at_m(open_wave):
    invitations = list(open_wave.distribution.invitations.order_by("pk"))
    _answer(invitations[0])
    start = open_wave.opens_at

    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=6)) == 0
    assert mail.outbox == []

    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=7)) == 2
    recipients = " ".join(m.to[0] for m in mail.outbox)
    assert invitations[0].contact.email not in recipients
    assert all(i.contact.email in recipients for i in invitations[1:])
    assert all("Reminder" in m.subject for m in mail.outbox)
    assert any(invitations[1].url in m.body for m in mail.outbox)

    # Running again the same day (a redelivered task) sends nothing.
    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=7)) == 0
    # Not before another N days have passed since the last reminder.
    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=13)) == 0
    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=14)) == 2
    # M = 2 reminders at most.
    assert wave_send_reminders(wave=open_wave, now=start + timedelta(days=21)) == 0
    assert len(mail.outbox) == 4

    reminded = Invitation.objects.filter(pk__in=[i.pk for i in invitations[1:]])
    assert set(reminded.values_list("reminders_sent", flat=True)) == {2}
    assert set(reminded.values_list("last_reminded_at", flat=True)) == {start + timedelta(days=14)}
    assert Invitation.objects.get(pk=invitations[0].pk).reminders_sent == 0
    # Each reminder has its own Message-ID.
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4


def test_reminders_stop_when_the_wave_has_closed(open_wave):
    after_close = open_wave.closes_at + timedelta(days=1)
    assert wave_send_reminders(wave=open_wave, now=after_close) == 0


def test_a_failed_reminder_is_handed_back_for_the_next_run(open_wave, settings):
    from tests.conftest import free_port

    # An unreachable mail server: nothing listens on this port.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    day7 = open_wave.opens_at + timedelta(days=7)
    assert wave_send_reminders(wave=open_wave, now=day7) == 0
    invitations = open_wave.distribution.invitations.all()
    assert set(invitations.values_list("reminders_sent", flat=True)) == {0}
    assert set(invitations.values_list("last_reminded_at", flat=True)) == {None}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert wave_send_reminders(wave=open_wave, now=day7) == 3


def test_waves_send_reminders_task_reminds_open_waves(open_wave):
    Wave.objects.filter(pk=open_wave.pk).update(
        opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() + timedelta(days=5)
    )
    Invitation.objects.filter(distribution=open_wave.distribution).update(
        sent_at=timezone.now() - timedelta(days=8)
    )
    assert waves_send_reminders_task() == 3
    assert waves_send_reminders_task() == 0


# ------------------------------------------------------------------ closing


def test_closing_a_wave_refuses_late_answers_with_the_410_page_and_stores_nothing(
    client, open_wave
):
    question = QuestionFactory(survey=open_wave.programme.survey)
    pending = ContactFactory()
    unsent = Invitation.objects.create(
        survey=open_wave.programme.survey,
        distribution=open_wave.distribution,
        contact=pending,
        status=InvitationStatus.PENDING,
    )
    invitation = open_wave.distribution.invitations.filter(status=InvitationStatus.SENT).first()

    past = timezone.now() - timedelta(minutes=1)
    Wave.objects.filter(pk=open_wave.pk).update(opens_at=past - timedelta(days=30), closes_at=past)
    Distribution.objects.filter(pk=open_wave.distribution_id).update(closes_at=past)

    closed = waves_close_due(now=timezone.now())

    assert closed == 1
    open_wave.refresh_from_db()
    assert open_wave.status == WaveStatus.CLOSED
    unsent.refresh_from_db()
    assert unsent.status == InvitationStatus.EXPIRED  # never mailed after the close
    url = reverse("surveys:respond", args=[invitation.token])
    for method in ("get", "post"):
        response = getattr(client, method)(url, {f"q_{question.pk}": "9"})
        assert response.status_code == 410
        assert response["Cache-Control"] == "no-store"
    assert Response.objects.count() == 0
    # Closing twice is a no-op.
    assert waves_close_due(now=timezone.now()) == 0


def test_waves_close_due_leaves_open_waves_alone(open_wave):
    assert waves_close_due(now=open_wave.closes_at - timedelta(minutes=1)) == 0
    open_wave.refresh_from_db()
    assert open_wave.status == WaveStatus.OPEN


def test_waves_close_due_task_closes_waves_past_their_close(open_wave):
    Wave.objects.filter(pk=open_wave.pk).update(
        opens_at=timezone.now() - timedelta(days=31), closes_at=timezone.now() - timedelta(days=1)
    )
    assert waves_close_due_task() == 1
    assert Wave.objects.get(pk=open_wave.pk).status == WaveStatus.CLOSED


# ------------------------------------------------------------------ progress and coverage


def test_coverage_counts_accounts_and_latest_billed_revenue_that_answered():
    programme = _programme()
    big, small, silent = AccountFactory(), AccountFactory(), AccountFactory()
    # Latest period counts: big's old 1M is replaced by 8M.
    AccountRevenueFactory(
        account=big, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), billed=1_000_000
    )
    AccountRevenueFactory(account=big, billed=8_000_000)
    AccountRevenueFactory(account=small, billed=500_000)
    AccountRevenueFactory(account=silent, billed=1_500_000)
    big_contacts = ContactFactory.create_batch(2, account=big)
    small_contact = ContactFactory(account=small)
    ContactFactory(account=silent)

    wave = wave_start(programme=programme, period_start=date(2026, 1, 15))
    _mark_sent(wave, timezone.now())
    invitations = wave.distribution.invitations
    _answer(invitations.get(contact=big_contacts[0]))
    _answer(invitations.get(contact=small_contact))

    coverage = wave_coverage(wave=wave)

    assert (coverage.accounts, coverage.accounts_answered) == (3, 2)
    assert coverage.accounts_share == 66.7
    assert coverage.billed == Decimal("10000000")
    assert coverage.billed_answered == Decimal("8500000")
    assert coverage.billed_share == 85.0
    # Scoped to one account.
    scoped = wave_coverage(wave=wave, account_ids=[silent.pk])
    assert (scoped.accounts, scoped.accounts_answered, scoped.billed_share) == (1, 0, 0.0)

    listed = wave_list().get(pk=wave.pk)
    assert (listed.total, listed.delivered, listed.completed) == (4, 4, 2)
    assert wave_response_rate(listed) == 50.0


def test_the_wave_admin_shows_progress_and_coverage(staff_client, open_wave):
    response = staff_client.get(reverse("admin:surveys_wave_changelist"))
    assert response.status_code == 200
    assert open_wave.name in response.content.decode()

    response = staff_client.get(reverse("admin:surveys_wave_change", args=[open_wave.pk]))
    assert response.status_code == 200
    assert "accounts" in response.content.decode()


def test_the_programme_admin_action_starts_a_wave_once(staff_client):
    programme = _programme(first_wave_on=timezone.localdate() - timedelta(days=1))
    ContactFactory.create_batch(2)
    url = reverse("admin:surveys_relationshipprogramme_changelist")
    data = {"action": "start_wave_now", "_selected_action": [programme.pk]}

    first = staff_client.post(url, data, follow=True)
    second = staff_client.post(url, data, follow=True)

    assert Wave.objects.filter(programme=programme).count() == 1
    assert "Started" in first.content.decode()
    assert "already exists" in second.content.decode()
    assert Invitation.objects.count() == 2
