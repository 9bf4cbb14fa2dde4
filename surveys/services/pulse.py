"""Potential patterns: pulse surveys to a chosen segment or a sample of it.

Quadrants of the customer matrix are computed by `insights` (billed revenue and satisfaction),
which `surveys` must not import. The segment asks for them through the signal
`surveys.signals.quadrant_accounts_requested` instead; `insights.receivers` answers it.
Without an answer a segment that names quadrants is refused rather than sent to a wider
audience than chosen.
"""

import random
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, TouchPointEvent

from ..constants import DistributionOrigin, Quadrant, SurveyKind
from ..models import Distribution, PulseSegment, Survey
from ..signals import quadrant_accounts_requested
from .invitations import distribution_create


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _quadrant_account_ids(quadrants: list[str]) -> set[int]:
    unknown = set(quadrants) - set(Quadrant.values)
    if unknown:
        raise ValidationError(
            _("Unknown matrix quadrant: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown_quadrant",
        )
    replies = quadrant_accounts_requested.send(sender=PulseSegment, quadrants=tuple(quadrants))
    if not replies:
        raise ValidationError(
            _("Quadrant filters are not available: the customer matrix is not installed."),
            code="no_quadrants",
        )
    return set().union(*(set(account_ids) for _receiver, account_ids in replies))


def segment_filter(*, segment: PulseSegment) -> Q:
    """The segment's criteria as one Q over Contact (without sampling).

    Every criterion narrows: vertical markets, quadrants, touch points experienced in the
    period, roles (case-insensitive), languages and key contacts. Opted-out contacts never
    belong to a segment, so that a sample of K is K people who may be asked.
    """
    criteria = Q(opted_out=False)
    vertical_ids = list(segment.vertical_markets.values_list("pk", flat=True))
    if vertical_ids:
        criteria &= Q(account__vertical_market_id__in=vertical_ids)
    if segment.quadrants:
        criteria &= Q(account_id__in=_quadrant_account_ids(list(segment.quadrants)))
    touch_point_ids = list(segment.touch_points.values_list("pk", flat=True))
    if touch_point_ids or segment.experienced_since or segment.experienced_until:
        events = TouchPointEvent.objects.filter(contact=OuterRef("pk"))
        if touch_point_ids:
            events = events.filter(touch_point_id__in=touch_point_ids)
        if segment.experienced_since:
            events = events.filter(occurred_at__gte=_day_start(segment.experienced_since))
        if segment.experienced_until:  # inclusive of the whole day
            until = _day_start(segment.experienced_until) + timedelta(days=1)
            events = events.filter(occurred_at__lt=until)
        criteria &= Exists(events)
    roles = [role for role in segment.roles or [] if isinstance(role, str) and role.strip()]
    if roles:
        any_role = Q()
        for role in roles:
            any_role |= Q(role__iexact=role.strip())
        criteria &= any_role
    if segment.languages:
        criteria &= Q(language__in=list(segment.languages))
    if segment.key_contacts_only:
        criteria &= Q(is_key_contact=True)
    return criteria


def segment_matched_count(*, segment: PulseSegment) -> int:
    """How many contacts match the segment before sampling."""
    return Contact.objects.filter(segment_filter(segment=segment)).count()


def segment_contacts(*, segment: PulseSegment) -> list[Contact]:
    """The segment's contacts, ordered by id; with `sample_size`, a reproducible sample.

    Same seed and same matching contacts give the same sample: the ids are ordered first and
    then drawn with `random.Random(seed)`, never with the global generator.
    """
    matching = Contact.objects.filter(segment_filter(segment=segment))
    ids = list(matching.order_by("pk").values_list("pk", flat=True))
    if segment.sample_size is not None and segment.sample_size < len(ids):
        ids = sorted(random.Random(segment.seed).sample(ids, segment.sample_size))  # noqa: S311
    return list(Contact.objects.filter(pk__in=ids).select_related("account").order_by("pk"))


@transaction.atomic
def pulse_send(*, survey: Survey, segment: PulseSegment, created_by=None) -> Distribution:
    """Send a pulse survey to the segment (or its sample) as one Distribution, origin=pulse."""
    if survey.kind != SurveyKind.PULSE:
        raise ValidationError(_("Choose a pulse survey."), code="not_pulse")
    contacts = segment_contacts(segment=segment)
    if not contacts:
        raise ValidationError(_("No contact matches this segment."), code="no_contacts")
    return distribution_create(
        survey=survey,
        contacts=contacts,
        name=f"Pulse: {segment.name} · {timezone.localdate():%Y-%m-%d}",
        created_by=created_by,
        origin=DistributionOrigin.PULSE,
    )
