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

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from customers.models import Account, Contact, TouchPoint, TouchPointEvent
from customers.selectors import account_lookup, contact_lookup, touch_point_lookup

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

    def existing() -> Distribution | None:
        return (
            Distribution.objects.filter(survey=survey, origin=DistributionOrigin.TRANSACTION)
            .order_by("pk")
            .first()
        )

    if found := existing():
        return found
    # Two first events at once: the survey row lock makes the second wait and reuse.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    if found := existing():
        return found
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


# ------------------------------------------------------------------ CSV import (admin)

CSV_REQUIRED_COLUMNS = (
    "contact_email",
    "account_external_id",
    "touch_point",
    "external_id",
    "occurred_at",
)
CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_MAX_ROWS = 10_000


@dataclass
class CsvRowResult:
    line: int  # the row's line number in the file, the header being line 1
    status: str  # "created", "duplicate" or "error"
    messages: list[str] = field(default_factory=list)
    event_id: int | None = None


@dataclass
class CsvImportReport:
    rows: list[CsvRowResult] = field(default_factory=list)
    error: str = ""  # a problem with the file as a whole

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)


def _csv_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {m}" for name, msgs in error.message_dict.items() for m in msgs]
    return list(error.messages)


def events_import_csv(*, data: bytes, user) -> CsvImportReport:
    """Store the events of a CSV file for systems that cannot call the API.

    Columns: contact_email, account_external_id, touch_point, external_id, occurred_at (ISO 8601;
    without an offset it is read in the site's time zone); every other column becomes an
    attribute. Each row is stored or refused on its own and reported by line number; a replayed
    external_id is a duplicate. Fields holding a line break are refused (they could smuggle
    header lines into emails and break other tools reading the data). Accounts are looked up
    among those `user` may see.
    """
    report = CsvImportReport()
    if len(data) > CSV_MAX_BYTES:
        report.error = _("The file is larger than 5 MB.")
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error = _("The file is not UTF-8 text.")
        return report
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in columns]
    if missing:
        report.error = _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        return report
    reader.fieldnames = columns
    touch_points: dict[str, TouchPoint | None] = {}
    previous_end = 1  # the header
    for number, row in enumerate(reader):
        line, previous_end = previous_end + 1, reader.line_num  # where the record starts
        if number >= CSV_MAX_ROWS:
            report.error = _("Only the first %(n)d rows were read.") % {"n": CSV_MAX_ROWS}
            break
        report.rows.append(_csv_row(row, line, user, touch_points))
    return report


def _csv_row(row: dict, line: int, user, touch_points: dict) -> CsvRowResult:
    if None in row:  # more cells than columns
        return CsvRowResult(line, "error", [_("The row has more cells than the header.")])
    values = {key: (value or "").strip() for key, value in row.items()}
    if any("\r" in v or "\n" in v for v in values.values()):
        return CsvRowResult(line, "error", [_("A field contains a line break.")])
    messages = [f"{name}: " + _("required") for name in CSV_REQUIRED_COLUMNS if not values[name]]
    if messages:
        return CsvRowResult(line, "error", messages)
    account = account_lookup(key=values["account_external_id"], user=user, reporting_events=True)
    if account is None:
        return CsvRowResult(line, "error", ["account_external_id: " + _("Unknown account.")])
    contact = contact_lookup(account=account, key=values["contact_email"])
    if contact is None:
        return CsvRowResult(line, "error", ["contact_email: " + _("Unknown contact.")])
    code = values["touch_point"]
    if code not in touch_points:
        touch_points[code] = touch_point_lookup(key=code, active_only=True)
    if touch_points[code] is None:
        return CsvRowResult(line, "error", ["touch_point: " + _("Unknown touch point.")])
    occurred_at = parse_datetime(values["occurred_at"])
    if occurred_at is None:
        return CsvRowResult(line, "error", ["occurred_at: " + _("Not an ISO 8601 date-time.")])
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    attributes = {
        key: value
        for key, value in values.items()
        if key not in CSV_REQUIRED_COLUMNS and key and value
    }
    try:
        event, created = event_record(
            account=account,
            contact=contact,
            touch_point=touch_points[code],
            external_id=values["external_id"],
            occurred_at=occurred_at,
            attributes=attributes,
        )
    except ValidationError as error:
        return CsvRowResult(line, "error", _csv_messages(error))
    return CsvRowResult(line, "created" if created else "duplicate", event_id=event.pk)
