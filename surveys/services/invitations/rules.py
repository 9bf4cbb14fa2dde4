"""Who may be mailed a link: the audience rules, at creation and again just before sending.

At creation (`skip_reasons`), for waves, pulses, events and manual sends alike: opt-out,
contact fatigue, account fatigue. A row that must not be mailed is stored as SKIPPED with its
reason, never dropped. Just before its message (`SendTimeRules`) the survey's state, the
contact's opt-out and the contact-fatigue window are checked again (against links actually
delivered), because a scheduled row may wait hours or days; the account budget is reserved at
creation and not re-counted.
"""

import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Contact

from ...constants import InvitationStatus, SkipReason, SurveyStatus
from ...models import Invitation, Survey

# Rows per query when the rules look up a large audience (SQLite allows 32766 parameters).
RULES_CHUNK = 2000
# A chunk re-reads opt-outs and survey states this often, so the send-time rules are never
# older than this when a message goes out.
RULES_REFRESH_SECONDS = 2.0
# Links that count against fatigue budgets: scheduled, queued, delivered. Not skipped or failed.
COUNTED_STATUSES = (
    InvitationStatus.PENDING,
    InvitationStatus.SENDING,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.COMPLETED,
    InvitationStatus.EXPIRED,
)


def fatigue_window(survey: Survey) -> timedelta:
    """The contact-fatigue window: the survey's own, else CEM_FATIGUE_WINDOW_DAYS (0: off)."""
    days = survey.fatigue_window_days
    if days is None:
        days = settings.CEM_FATIGUE_WINDOW_DAYS
    return timedelta(days=days)


def _planned_at():
    """When a row reaches (or reached) the mailbox: sent, else scheduled, else created."""
    return Coalesce("sent_at", "send_after", "created_at")


def _id_sets(ids: list[int]):
    """`ids` as values for `__in` lookups: on PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`: binding 100,000 separate parameters costs seconds), elsewhere
    chunks that stay under SQLite's parameter limit."""
    if connection.vendor == "postgresql":
        yield RawSQL("SELECT unnest(%s::bigint[])", [ids])  # noqa: S611 (constant SQL, ids bound)
        return
    for start in range(0, len(ids), RULES_CHUNK):
        yield ids[start : start + RULES_CHUNK]


def skip_reasons(
    *, survey: Survey, contacts: list[Contact], at: datetime | None = None
) -> dict[int, str]:
    """{contact id: SkipReason} for contacts who must not be mailed a link planned for `at`.

    The single place for audience rules, one query per rule and chunk for the whole batch:
    1. opted out;
    2. contact fatigue: the contact has a counted link planned within the survey's window
       (CEM_FATIGUE_WINDOW_DAYS, or Survey.fatigue_window_days) before or after `at`;
    3. account fatigue: the account already has CEM_ACCOUNT_MAX_INVITATIONS counted links within
       CEM_ACCOUNT_WINDOW_DAYS of `at`; within this batch the account's key contacts come first.
    Contacts skipped by an earlier rule do not use up the account's budget.
    """
    at = at or timezone.now()
    reasons: dict[int, str] = {c.pk: SkipReason.OPTED_OUT for c in contacts if c.opted_out}
    candidates = [c for c in contacts if c.pk not in reasons]

    window = fatigue_window(survey)
    if window and candidates:
        ids = [c.pk for c in candidates]
        for chunk in _id_sets(ids):
            tired = (
                Invitation.objects.filter(contact_id__in=chunk, status__in=COUNTED_STATUSES)
                .alias(planned_at=_planned_at())
                .filter(planned_at__gt=at - window, planned_at__lt=at + window)
                .values_list("contact_id", flat=True)
                .distinct()
            )
            reasons.update(dict.fromkeys(tired, SkipReason.CONTACT_FATIGUE))
        candidates = [c for c in candidates if c.pk not in reasons]

    limit = settings.CEM_ACCOUNT_MAX_INVITATIONS
    account_window = timedelta(days=settings.CEM_ACCOUNT_WINDOW_DAYS)
    if limit and account_window and candidates:
        account_ids = sorted({c.account_id for c in candidates})
        used: dict[int, int] = {}
        for chunk in _id_sets(account_ids):
            rows = (
                Invitation.objects.filter(
                    contact__account_id__in=chunk, status__in=COUNTED_STATUSES
                )
                .alias(planned_at=_planned_at())
                .filter(planned_at__gt=at - account_window, planned_at__lt=at + account_window)
                .values("contact__account_id")
                .annotate(n=Count("pk"))
                .values_list("contact__account_id", "n")
            )
            used.update(rows)
        ordered = sorted(candidates, key=lambda c: (not c.is_key_contact, c.pk))
        for contact in ordered:
            if used.get(contact.account_id, 0) >= limit:
                reasons[contact.pk] = SkipReason.ACCOUNT_FATIGUE
            else:
                used[contact.account_id] = used.get(contact.account_id, 0) + 1
    return reasons


class SendTimeRules:
    """The rules again for the rows of one chunk, just before each message: the survey still
    live, the contact not opted out meanwhile, no other link delivered to the contact within
    the fatigue window since this row was planned.

    Opt-outs and survey states are read in one query each and re-read every
    RULES_REFRESH_SECONDS; links delivered within the widest window are read once and kept up
    to date with the chunk's own sends (`sent`).
    """

    def __init__(self, rows: list[Invitation], now: datetime) -> None:
        self.rows = rows
        self.contact_ids = sorted({row.contact_id for row in rows})
        self.read_at = time.monotonic()
        self.opted_out = {row.contact_id for row in rows if row.contact.opted_out}
        self.live = {row.survey_id for row in rows if row.survey.is_live}
        self.delivered: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
        widest = max((fatigue_window(row.survey) for row in rows), default=timedelta(0))
        if widest:
            recent = Invitation.objects.filter(
                contact_id__in=self.contact_ids, sent_at__gt=now - widest, sent_at__lte=now
            ).values_list("pk", "contact_id", "sent_at")
            for pk, contact_id, sent_at in recent:
                self.delivered[contact_id].append((pk, sent_at))

    def _refresh(self) -> None:
        if time.monotonic() - self.read_at < RULES_REFRESH_SECONDS:
            return
        self.opted_out = set(
            Contact.objects.filter(pk__in=self.contact_ids, opted_out=True).values_list(
                "pk", flat=True
            )
        )
        self.live = set(
            Survey.objects.filter(
                pk__in={row.survey_id for row in self.rows}, status=SurveyStatus.LIVE
            ).values_list("pk", flat=True)
        )
        self.read_at = time.monotonic()

    def skip_reason(self, invitation: Invitation, now: datetime) -> str | None:
        self._refresh()
        if invitation.survey_id not in self.live:
            return SkipReason.SURVEY_NOT_LIVE
        if invitation.contact_id in self.opted_out:
            return SkipReason.OPTED_OUT
        window = fatigue_window(invitation.survey)
        if window and any(
            pk != invitation.pk and sent_at > now - window
            for pk, sent_at in self.delivered.get(invitation.contact_id, ())
        ):
            return SkipReason.CONTACT_FATIGUE
        return None

    def sent(self, invitation: Invitation, sent_at: datetime) -> None:
        self.delivered[invitation.contact_id].append((invitation.pk, sent_at))
