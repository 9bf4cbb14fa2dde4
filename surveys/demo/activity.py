"""A year of activity for the demo surveys: two transaction streams, two relationship waves,
a pulse with its research, and the responses and answers, written with `bulk_create` (the
services would send signals and mails for every answer, which a year of history must not do)."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from customers.demo import ACCOUNTS
from customers.models import Account, TouchPointEvent, VerticalMarket

from ..constants import Audience, DistributionOrigin, InquiryKind, ResponseStatus, WaveStatus
from ..models import (
    Answer,
    Distribution,
    Inquiry,
    Invitation,
    PulseSegment,
    RelationshipProgramme,
    Response,
    Survey,
    Wave,
)
from .generator import EVENT_PREFIX, MOOD, Generator
from .surveys import SLUG_CALL_CENTER, SLUG_INSTALLATION, SLUG_PULSE, SLUG_RELATIONSHIP


def _months_ago(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def demo_activity_seed(
    *,
    surveys: dict[str, Survey],
    accounts: list[Account],
    seed: int,
    now: datetime,
    admin,
) -> tuple[int, int, int]:
    """A year of events, waves and a pulse, with their invitations, responses and answers."""
    rng = random.Random(seed)
    gen = Generator(rng=rng, now=now, accounts=accounts)
    today = now.date()

    installation = surveys[SLUG_INSTALLATION]
    call_center = surveys[SLUG_CALL_CENTER]
    relationship = surveys[SLUG_RELATIONSHIP]
    pulse = surveys[SLUG_PULSE]

    def distribution(survey, name, origin, created):
        d = Distribution.objects.create(survey=survey, name=name, origin=origin, created_by=admin)
        Distribution.objects.filter(pk=d.pk).update(created_at=created)
        return d

    year_ago = now - timedelta(days=365)
    stream_installation = distribution(
        installation, "Installation events", DistributionOrigin.TRANSACTION, year_ago
    )
    stream_call_center = distribution(
        call_center, "Call-center events", DistributionOrigin.TRANSACTION, year_ago
    )
    gen.transaction_stream(
        survey=installation, distribution=stream_installation, count=2000, rate=0.62
    )
    gen.transaction_stream(
        survey=call_center, distribution=stream_call_center, count=2600, rate=0.55
    )

    # Half-yearly relationship waves; the next one falls due about two months from now.
    first_wave = _months_ago(today, 10)
    programme = RelationshipProgramme.objects.create(
        name="HiTouch relationship programme",
        survey=relationship,
        cadence_months=6,
        first_wave_on=first_wave,
        audience=Audience.ALL_ACCOUNTS,
        field_period_days=30,
    )
    for number, period_start in enumerate((first_wave, _months_ago(today, 4)), start=1):
        opens = _aware(period_start)
        closes = opens + timedelta(days=programme.field_period_days)
        send = distribution(
            relationship, f"Relationship wave {number}", DistributionOrigin.WAVE, opens
        )
        send.closes_at = closes
        send.save(update_fields=["closes_at"])
        Wave.objects.create(
            programme=programme,
            distribution=send,
            name=f"Wave {number} ({period_start:%B %Y})",
            period_start=period_start,
            opens_at=opens,
            closes_at=closes,
            status=WaveStatus.CLOSED if closes <= now else WaveStatus.OPEN,
        )
        gen.wave(survey=relationship, distribution=send, opens=opens, closes=closes)

    # A pulse to a sample of the growth accounts (low billing, high satisfaction).
    growth_names = {row[0] for row in ACCOUNTS if row[3] < 10 and MOOD[row[0]] >= 0.6}
    segment = PulseSegment.objects.create(
        name="Growth accounts: next services", quadrants=["growth"], sample_size=60, seed=seed
    )
    segment.vertical_markets.set(VerticalMarket.objects.filter(accounts__in=accounts).distinct())
    pulse_opens = now - timedelta(days=21)
    pulse_send = distribution(pulse, "Pulse: next services", DistributionOrigin.PULSE, pulse_opens)
    candidates = [c for a in gen.accounts if a.name in growth_names for c in gen.contacts[a.pk]]
    sample = rng.sample(candidates, min(len(candidates), segment.sample_size))
    gen.pulse(survey=pulse, distribution=pulse_send, opens=pulse_opens, sample=sample)
    # A few are still waiting for the worker: `make demo` shows them going out as .eml files.
    for contact in gen.quiet:
        gen.invitations.append(
            Invitation(
                survey=pulse, distribution=pulse_send, contact=contact, send_after=now,
                expires_at=now + timedelta(days=pulse.field_period_days),
            )
        )  # fmt: skip

    Inquiry.objects.bulk_create(
        [
            Inquiry(
                kind=InquiryKind.INTERVIEW,
                title="Interview: remote monitoring at Shenzhen Kangning",
                held_on=today - timedelta(days=12),
                participants="Procurement lead, site engineer",
                account=next((a for a in accounts if a.name.startswith("Shenzhen")), None),
                survey=pulse,
                themes="remote monitoring, uptime, price",
                notes="Would pay for alerts before a failure; worried about data leaving the site.",
                created_by=admin,
            ),
            Inquiry(
                kind=InquiryKind.FOCUS_GROUP,
                title="Focus group: public-sector maintenance contracts",
                held_on=today - timedelta(days=30),
                participants="Six facilities managers from four agencies",
                survey=pulse,
                themes="pay-per-use, tendering rules, training",
                notes="Tendering rules favour fixed prices; on-site training valued over warranty.",
                created_by=admin,
            ),
        ]
    )

    TouchPointEvent.objects.bulk_create(gen.events, batch_size=1000)
    Invitation.objects.bulk_create(gen.invitations, batch_size=1000)

    questions = {s.pk: list(s.questions.prefetch_related("choices")) for s in surveys.values()}
    languages = {}
    responses, moods = [], []
    for index, (submitted, mood) in gen.answered.items():
        invitation = gen.invitations[index]
        survey = invitation.survey
        contact = invitation.contact
        languages[contact.pk] = contact.language
        responses.append(
            Response(
                survey=survey,
                invitation=invitation,
                distribution=invitation.distribution,
                contact=contact,
                account_id=contact.account_id,
                touch_point=survey.touch_point,
                event=invitation.event,
                # As response_submit does: the event's attributes travel with the response.
                attributes=dict(invitation.event.attributes) if invitation.event else {},
                status=ResponseStatus.COMPLETED,
                language=contact.language,
                submitted_at=submitted,
            )
        )
        moods.append(mood)
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response, mood in zip(responses, moods, strict=True):
        answers.extend(gen.answers_for(response, questions[response.survey_id], mood))
    Answer.objects.bulk_create(answers, batch_size=2000)

    # auto_now_add stamped "now" on history; put the timestamps where the story has them.
    demo_surveys = list(surveys.values())
    Response.objects.filter(survey__in=demo_surveys).update(
        started_at=F("submitted_at") - timedelta(minutes=3)
    )
    Invitation.objects.filter(survey__in=demo_surveys, send_after__isnull=False).update(
        created_at=F("send_after")
    )
    TouchPointEvent.objects.filter(external_id__startswith=EVENT_PREFIX).update(
        received_at=F("occurred_at")
    )
    return len(gen.invitations), len(responses), len(answers)
