"""Past patterns: a completed transaction (a touch-point event) becomes a survey invitation.

Events live in `customers`; turning them into invitations is the surveys app's job. Each LIVE
transaction survey on the event's touch point gets one invitation, scheduled in the database
(`send_after = occurred_at + send_delay`, or now) and picked up by the periodic dispatcher:
never a long Celery countdown, which the Redis broker would redeliver after its visibility
timeout, again and again.

Idempotent on the event's `external_id` (a unique column): replaying an event, also
concurrently, stores one event and one invitation per survey (`surveys_invitation_one_per_event`),
and returns the first event with `created=False`.
"""

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Account, Contact, TouchPoint, TouchPointEvent

from ..constants import DistributionOrigin, SurveyKind
from ..models import Distribution, Invitation, Survey
from .invitations import invitations_create

ATTRIBUTES_MAX_KEYS = 50
ATTRIBUTES_MAX_DEPTH = 3
ATTRIBUTES_MAX_BYTES = 8192
ATTRIBUTE_KEY_MAX_LENGTH = 64
# Clocks drift: an event a little in the future is accepted, one a day ahead is a mistake.
FUTURE_TOLERANCE = timedelta(hours=1)


def _check_value(value: Any, depth: int) -> None:
    if depth > ATTRIBUTES_MAX_DEPTH:
        raise ValidationError(
            _("Attributes nest at most %(n)d levels deep.") % {"n": ATTRIBUTES_MAX_DEPTH}
        )
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(_("Attributes must not contain NUL characters."))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not key or len(key) > ATTRIBUTE_KEY_MAX_LENGTH:
                raise ValidationError(
                    _("Attribute names are 1 to %(n)d characters.")
                    % {"n": ATTRIBUTE_KEY_MAX_LENGTH}
                )
            if "\x00" in key:
                raise ValidationError(_("Attributes must not contain NUL characters."))
            _check_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, depth + 1)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise ValidationError(_("Attribute values must be JSON."))


def event_attributes_clean(attributes: Any) -> dict:
    """A JSON object of at most 50 keys, 3 levels and 8 KB, without NUL characters (which
    PostgreSQL's jsonb refuses)."""
    if attributes is None:
        return {}
    if not isinstance(attributes, Mapping):
        raise ValidationError(_("Attributes must be a JSON object."), code="invalid")
    if len(attributes) > ATTRIBUTES_MAX_KEYS:
        raise ValidationError(
            _("At most %(n)d attributes.") % {"n": ATTRIBUTES_MAX_KEYS}, code="too_many"
        )
    _check_value(attributes, 1)
    try:
        size = len(json.dumps(attributes, ensure_ascii=False, allow_nan=False).encode())
    except ValueError as exc:
        raise ValidationError(_("Attribute values must be JSON."), code="invalid") from exc
    if size > ATTRIBUTES_MAX_BYTES:
        raise ValidationError(
            _("Attributes take at most %(n)d bytes.") % {"n": ATTRIBUTES_MAX_BYTES},
            code="too_large",
        )
    return dict(attributes)


class EventConflict(ValidationError):
    """The external id is taken by an event of another account or touch point."""


def transaction_distribution(*, survey: Survey) -> Distribution:
    """The one continuous send of a transaction survey, created on its first event."""
    existing = (
        Distribution.objects.filter(survey=survey, origin=DistributionOrigin.TRANSACTION)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    # Two first events at once: the survey row lock makes the second wait and reuse.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    existing = (
        Distribution.objects.filter(survey=survey, origin=DistributionOrigin.TRANSACTION)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    distribution = Distribution(
        survey=survey,
        name=f"Continuous: {survey.title}"[:200],
        origin=DistributionOrigin.TRANSACTION,
    )
    distribution.full_clean()
    distribution.save()
    return distribution


def _same_event(event: TouchPointEvent, *, account: Account, touch_point: TouchPoint) -> bool:
    return event.account_id == account.pk and event.touch_point_id == touch_point.pk


def _replay(external_id: str, *, account: Account, touch_point: TouchPoint) -> TouchPointEvent:
    event = TouchPointEvent.objects.get(external_id=external_id)
    if not _same_event(event, account=account, touch_point=touch_point):
        # Another account's or touch point's transaction: nothing of it is returned.
        raise EventConflict(
            {"external_id": [_("This external id is already used by another event.")]}
        )
    return event


def event_record(
    *,
    account: Account,
    contact: Contact,
    touch_point: TouchPoint,
    external_id: str,
    occurred_at: datetime,
    attributes: Mapping | None = None,
    now: datetime | None = None,
) -> tuple[TouchPointEvent, bool]:
    """Store one touch-point event and invite its contact to each live transaction survey on
    that touch point; returns (event, created). A replayed `external_id` returns the stored
    event and False; the same id for another account or touch point raises EventConflict."""
    now = now or timezone.now()
    if contact.account_id != account.pk:
        raise ValidationError({"contact": [_("The contact does not belong to this account.")]})
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": [_("Give a time zone.")]})
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": [_("The event lies in the future.")]})
    try:
        attributes = event_attributes_clean(attributes)
    except ValidationError as exc:
        raise ValidationError({"attributes": exc.messages}) from exc

    if TouchPointEvent.objects.filter(external_id=external_id).exists():
        return _replay(external_id, account=account, touch_point=touch_point), False
    try:
        with transaction.atomic():
            event = TouchPointEvent(
                external_id=external_id,
                account=account,
                contact=contact,
                touch_point=touch_point,
                occurred_at=occurred_at,
                attributes=attributes,
            )
            # The unique external_id is checked by the database below, race-free.
            event.full_clean(validate_unique=False)
            event.save()
            event_invite(event=event, now=now)
    except IntegrityError:
        # A concurrent request stored the same event first; its commit is visible now.
        if not TouchPointEvent.objects.filter(external_id=external_id).exists():
            raise
        return _replay(external_id, account=account, touch_point=touch_point), False
    return event, True


def event_invite(*, event: TouchPointEvent, now: datetime | None = None) -> list[Invitation]:
    """One invitation per live transaction survey on the event's touch point (rules applied:
    a skipped one is recorded with its reason). Call inside a transaction."""
    now = now or timezone.now()
    surveys = Survey.objects.live().filter(
        kind=SurveyKind.TRANSACTION, touch_point_id=event.touch_point_id
    )
    invitations: list[Invitation] = []
    for survey in surveys.order_by("pk"):
        send_after = event.occurred_at + survey.send_delay
        invitations += invitations_create(
            survey=survey,
            distribution=transaction_distribution(survey=survey),
            contacts=[event.contact],
            send_after=send_after if send_after > now else None,
            event=event,
            now=now,
        )
    return invitations
