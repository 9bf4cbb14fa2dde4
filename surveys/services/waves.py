"""Present patterns: relationship programmes run periodic waves to an audience of contacts.

A wave is one named, dated send (a Distribution with origin=wave). Everything here is safe to
run twice, because beat may fire twice or be restarted (security-and-faults case 25):

- `wave_start` creates at most one wave per (programme, period_start), guarded by the unique
  constraint through get_or_create; the loser of a race gets the winner's wave and sends nothing.
- `wave_send_reminders` claims each reminder with a conditional UPDATE before mailing, so a
  redelivered task finds nothing left to claim.
- `waves_close_due` moves a wave to CLOSED with a conditional UPDATE.
"""

import calendar
import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from customers.constants import AccountStatus
from customers.models import Contact

from ..constants import Audience, DistributionOrigin, InvitationStatus, WaveStatus
from ..models import Distribution, Invitation, RelationshipProgramme, Wave
from .invitations import TRANSIENT_SEND_ERRORS, distribution_create, invitation_email_build

logger = logging.getLogger(__name__)

# Links still waiting to be mailed when a wave closes are never sent.
UNSENT_STATUSES = (InvitationStatus.PENDING, InvitationStatus.SENDING)
# Reminders go to links that reached a mailbox and are still unanswered.
REMINDABLE_STATUSES = (InvitationStatus.SENT, InvitationStatus.OPENED)
REMINDER_BATCH = 1000


# ------------------------------------------------------------------ schedule


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month (31 Jan + 1 = 28 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def programme_period_start(*, programme: RelationshipProgramme, today: date) -> date | None:
    """Start of the period `today` falls in; None before the first wave is due.

    Periods are counted from `first_wave_on` each time (never from the previous period), so a
    clamped month end does not drift: 31 Jan, 31 Jul, 31 Jan, ... for a half-yearly programme.
    """
    first = programme.first_wave_on
    if today < first:
        return None
    cadence = programme.cadence_months
    months = (today.year - first.year) * 12 + (today.month - first.month)
    periods = months // cadence
    start = add_months(first, periods * cadence)
    if start > today:
        start = add_months(first, (periods - 1) * cadence)
    return start


def programme_audience(*, programme: RelationshipProgramme) -> QuerySet[Contact]:
    """The contacts a wave of `programme` goes to.

    Relationship surveys ask current customers: contacts of active accounts only. Opted-out
    contacts stay in, so the send records them as skipped. Chosen vertical markets narrow the
    key-contacts audience too; the all-accounts audience ignores them.
    """
    contacts = Contact.objects.filter(account__status=AccountStatus.ACTIVE)
    vertical_ids = list(programme.vertical_markets.values_list("pk", flat=True))
    if programme.audience == Audience.VERTICAL_MARKETS:
        contacts = contacts.filter(account__vertical_market_id__in=vertical_ids)
    elif programme.audience == Audience.KEY_CONTACTS:
        contacts = contacts.filter(is_key_contact=True)
        if vertical_ids:
            contacts = contacts.filter(account__vertical_market_id__in=vertical_ids)
    return contacts.select_related("account").order_by("pk")


def _wave_name(programme: RelationshipProgramme, period_start: date) -> str:
    return f"{programme.name} · {period_start:%B %Y}"


# ------------------------------------------------------------------ starting waves


@transaction.atomic
def wave_start_or_get(
    *,
    programme: RelationshipProgramme,
    period_start: date | None = None,
    started_by=None,
) -> tuple[Wave, bool]:
    """The wave of `period_start` (default: the current period) and whether this call started it.

    A started wave is open now and closes `field_period_days` later; its send goes out after
    commit. If the audience is empty or the survey is not live, ValidationError and nothing is
    stored.
    """
    now = timezone.now()
    if period_start is None:
        today = timezone.localdate(now)
        period_start = programme_period_start(programme=programme, today=today)
        if period_start is None:  # started by hand before the first scheduled wave
            period_start = programme.first_wave_on
    closes_at = now + timedelta(days=programme.field_period_days)
    wave, created = Wave.objects.get_or_create(
        programme=programme,
        period_start=period_start,
        defaults={
            "name": _wave_name(programme, period_start),
            "opens_at": now,
            "closes_at": closes_at,
            "status": WaveStatus.OPEN,
        },
    )
    if not created:
        return wave, False

    distribution = distribution_create(
        survey=programme.survey,
        contacts=programme_audience(programme=programme),
        name=wave.name,
        created_by=started_by,
        origin=DistributionOrigin.WAVE,
    )
    # The public page answers 410 "closed" once the send's closes_at has passed.
    Distribution.objects.filter(pk=distribution.pk).update(closes_at=closes_at)
    distribution.closes_at = closes_at
    wave.distribution = distribution
    wave.full_clean()
    wave.save(update_fields=["distribution"])
    logger.info("Started wave %s (%s) of programme %s", wave.pk, wave.name, programme.pk)
    return wave, True


def wave_start(
    *,
    programme: RelationshipProgramme,
    period_start: date | None = None,
    started_by=None,
) -> Wave:
    """Start the wave of a period once; a second call (or a second beat) returns the same wave."""
    wave, _created = wave_start_or_get(
        programme=programme, period_start=period_start, started_by=started_by
    )
    return wave


def programmes_start_due(*, today: date) -> list[Wave]:
    """Start the current period's wave of every active programme that has none yet.

    Only the current period: a programme created late, or a beat that was down, does not
    backfill waves of past periods. One programme failing (survey not live, empty audience)
    does not stop the others.
    """
    started = []
    programmes = RelationshipProgramme.objects.filter(
        is_active=True, first_wave_on__lte=today
    ).select_related("survey")
    for programme in programmes:
        period_start = programme_period_start(programme=programme, today=today)
        if Wave.objects.filter(programme=programme, period_start=period_start).exists():
            continue
        try:
            wave, created = wave_start_or_get(programme=programme, period_start=period_start)
        except ValidationError as error:
            logger.warning("Programme %s: wave not started: %s", programme.pk, error.messages)
            continue
        if created:
            started.append(wave)
    return started


# ------------------------------------------------------------------ reminders


def _remindable(*, programme: RelationshipProgramme, now: datetime) -> Q:
    """Unanswered delivered links whose last mail is at least `reminder_after_days` old."""
    cutoff = now - timedelta(days=programme.reminder_after_days)
    return (
        Q(status__in=REMINDABLE_STATUSES, reminders_sent__lt=programme.max_reminders)
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        & (Q(last_reminded_at__isnull=True, sent_at__lte=cutoff) | Q(last_reminded_at__lte=cutoff))
    )


def wave_send_reminders(*, wave: Wave, now: datetime | None = None) -> int:
    """Remind the wave's non-respondents; returns how many reminders went out.

    Each reminder is claimed first (reminders_sent + 1, last_reminded_at = now) by a conditional
    UPDATE that re-checks eligibility, so a duplicated task or a second worker sends nothing
    twice. A reminder whose mail fails is handed back, to be tried on the next run.
    """
    now = now or timezone.now()
    if wave.status != WaveStatus.OPEN or wave.closes_at <= now or wave.distribution_id is None:
        return 0
    programme = wave.programme
    if programme.max_reminders == 0:
        return 0
    eligible = _remindable(programme=programme, now=now)
    candidates = list(
        Invitation.objects.filter(eligible, distribution_id=wave.distribution_id)
        .order_by("pk")
        .values_list("pk", "reminders_sent", "last_reminded_at")[:REMINDER_BATCH]
    )
    sent = 0
    for invitation_id, count, previous in candidates:
        claimed = Invitation.objects.filter(
            eligible, pk=invitation_id, reminders_sent=count
        ).update(reminders_sent=count + 1, last_reminded_at=now)
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("survey", "contact").get(pk=invitation_id)
        try:
            invitation_email_build(
                invitation=invitation, reminder=count + 1, closes_at=wave.closes_at
            ).send()
        except TRANSIENT_SEND_ERRORS as error:
            # Hand our claim back (only ours) so that the next run tries again.
            Invitation.objects.filter(
                pk=invitation_id, reminders_sent=count + 1, last_reminded_at=now
            ).update(reminders_sent=count, last_reminded_at=previous)
            logger.warning("Reminder for invitation %s not sent: %s", invitation_id, error)
            continue
        sent += 1
    if sent:
        logger.info("Wave %s: sent %s reminders", wave.pk, sent)
    return sent


def waves_send_due_reminders(*, now: datetime | None = None) -> int:
    """Reminders for every open wave; returns how many went out."""
    now = now or timezone.now()
    waves = Wave.objects.filter(status=WaveStatus.OPEN, closes_at__gt=now).select_related(
        "programme"
    )
    return sum(wave_send_reminders(wave=wave, now=now) for wave in waves)


# ------------------------------------------------------------------ closing


@transaction.atomic
def wave_close(*, wave: Wave, now: datetime | None = None) -> bool:
    """Close one wave; True if this call closed it.

    Links not yet mailed expire so nothing goes out after the close. Delivered, unanswered
    links keep their status: their send's closes_at has passed, so the public page refuses a
    late answer with the 410 "closed" page (an EXPIRED link would get the generic 404).
    """
    now = now or timezone.now()
    closed = (
        Wave.objects.filter(pk=wave.pk)
        .exclude(status=WaveStatus.CLOSED)
        .update(status=WaveStatus.CLOSED)
    )
    if not closed:
        return False
    wave.status = WaveStatus.CLOSED
    if wave.distribution_id is not None:
        # An early close by hand moves the send's closing time forward too.
        Distribution.objects.filter(pk=wave.distribution_id).filter(
            Q(closes_at__isnull=True) | Q(closes_at__gt=now)
        ).update(closes_at=now)
        Invitation.objects.filter(
            distribution_id=wave.distribution_id, status__in=UNSENT_STATUSES
        ).update(status=InvitationStatus.EXPIRED)
    logger.info("Closed wave %s", wave.pk)
    return True


def waves_close_due(*, now: datetime | None = None) -> int:
    """Close every wave whose field period is over; returns how many closed."""
    now = now or timezone.now()
    due = Wave.objects.filter(closes_at__lte=now).exclude(status=WaveStatus.CLOSED)
    return sum(wave_close(wave=wave, now=now) for wave in due)
