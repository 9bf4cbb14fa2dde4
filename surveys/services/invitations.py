"""Sending survey invitations, and the rules every send obeys.

The Invitation row is the ledger and the broker is only a doorbell: a send is claimed with a
conditional UPDATE (PENDING -> SENDING), so a redelivered or duplicated task is a no-op, and a
lost message is found again by the dispatcher in `surveys.tasks`.

Sends travel in chunks (`invitations_send_chunk`, SEND_CHUNK_SIZE ids per task): one query
reads the chunk's rows, one SMTP connection carries all of its messages, survey texts are
computed once per survey and language. Each row is still claimed on its own just before its
message and marked SENT right after the server's "250", so a crash mid-chunk leaves at most
the one message in flight unrecorded, exactly as a one-message task would.

Two columns, two meanings:
- `send_after` is the designer's schedule: the row is not mailed before it (empty: at once).
- `leased_until` is the send lease: while it lies in the future the row is queued or being
  sent and the dispatcher leaves it to its task; once it has passed, a PENDING or SENDING row
  is treated as lost (broker restarted, worker killed) and queued again.

The rules (`_skip_reasons`) are applied when a row is created, for waves, pulses, events and
manual sends alike: opt-out, contact fatigue, account fatigue. A row that must not be mailed is
stored as SKIPPED with its reason, never dropped. At send time the contact's opt-out and the
contact-fatigue window are checked again (against links actually delivered), because a
scheduled row may wait hours or days; the account budget is reserved at creation and not
re-counted.
"""

import dataclasses
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import formataddr
from smtplib import (
    SMTPException,
    SMTPRecipientsRefused,
    SMTPResponseException,
)
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from customers.constants import RTL_LANGUAGES
from customers.models import Contact

from ..constants import DistributionOrigin, InvitationStatus, SkipReason, SurveyStatus
from ..models import Distribution, Invitation, Survey, new_token
from .responses import first_scale_question
from .texts import SurveyTexts, invitation_piping, survey_texts

if TYPE_CHECKING:
    from customers.models import TouchPointEvent

logger = logging.getLogger(__name__)

# Errors worth retrying: the mail server or the network, not the message itself.
# (smtplib.SMTPException is an OSError; a 5xx reply among them fails the row: `_is_permanent`.)
TRANSIENT_SEND_ERRORS: tuple[type[Exception], ...] = (
    SMTPException,
    ConnectionError,
    OSError,
    TimeoutError,
)
# A row claimed this many times (e.g. a message that kills the worker) is given up on.
MAX_SEND_ATTEMPTS = 10
# Ids per send task: one SMTP connection and one read of the rows for all of them. A chunk
# takes about a second against a healthy server, far below visibility_timeout and the task
# time limit; CHUNK_TIME_BUDGET hands the rest of a slow chunk to a new task.
SEND_CHUNK_SIZE = 100
CHUNK_TIME_BUDGET = 60
# A transient failure (4xx, connection lost) puts the row back to PENDING with a lease of
# about 2**attempts seconds (jittered, at most RETRY_BACKOFF_MAX): the dispatcher retries it
# when the lease runs out, until MAX_SEND_ATTEMPTS.
RETRY_BACKOFF_MAX = 600
# A connection that breaks this many times in a row ends the chunk: the server is down.
MAX_CONNECTION_FAILURES = 2
# A chunk re-reads opt-outs and survey states this often, so the send-time rules are never
# older than this when a message goes out.
RULES_REFRESH_SECONDS = 2.0
BULK_BATCH_SIZE = 2000
# Sends this large use one INSERT ... SELECT FROM unnest() per chunk on PostgreSQL.
FAST_INSERT_MIN_ROWS = 500
FAST_INSERT_CHUNK = 10_000
# Rows per query when the rules look up a large audience (SQLite allows 32766 parameters).
RULES_CHUNK = 2000
# Links that count against fatigue budgets: scheduled, queued, delivered. Not skipped or failed.
COUNTED_STATUSES = (
    InvitationStatus.PENDING,
    InvitationStatus.SENDING,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.COMPLETED,
    InvitationStatus.EXPIRED,
)


class InvitationUndeliverable(Exception):
    """The invitation cannot be mailed and is FAILED: the server refused it for good (5xx),
    the message is bad, or the last attempt failed. Retrying cannot help."""


def send_lease() -> timedelta:
    """Longer than a task may run (CELERY_TASK_TIME_LIMIT) and than the longest retry backoff,
    so the dispatcher never races a live task or a scheduled retry."""
    return timedelta(seconds=settings.CEM_SEND_LEASE_SECONDS)


# Kept for callers that imported the constant; the setting is the source of truth.
SEND_LEASE = send_lease()


# ------------------------------------------------------------------ the rules


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


def _skip_reasons(
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


# ------------------------------------------------------------------ creating a send


@transaction.atomic
def distribution_create(
    *,
    survey: Survey,
    contacts: Iterable[Contact],
    name: str | None = None,
    created_by=None,
    origin: str = DistributionOrigin.MANUAL,
    send_after: datetime | None = None,
) -> Distribution:
    """One send of `survey`: an Invitation per contact, the mail queued after commit.

    Contacts who must not be mailed get a SKIPPED row with its reason, so the ledger accounts
    for every contact chosen. With `send_after` in the future nothing is queued now: the
    dispatcher picks the rows up when they fall due.
    """
    if not survey.is_live:
        raise ValidationError(_("Only a live survey can be sent."), code="survey_not_live")
    contacts = list({c.pk: c for c in contacts}.values())
    if not contacts:
        raise ValidationError(_("Choose at least one contact."), code="no_contacts")

    now = timezone.now()
    distribution = Distribution(
        survey=survey,
        name=name or f"{survey.title} · {timezone.localtime(now):%Y-%m-%d %H:%M}",
        origin=origin,
        created_by=created_by,
    )
    distribution.full_clean()
    distribution.save()
    invitations_create(
        survey=survey,
        distribution=distribution,
        contacts=contacts,
        send_after=send_after,
        now=now,
    )
    return distribution


def invitations_create(
    *,
    survey: Survey,
    distribution: Distribution | None,
    contacts: list[Contact],
    send_after: datetime | None = None,
    event: "TouchPointEvent | None" = None,
    now: datetime | None = None,
) -> list[int]:
    """Ledger rows for `contacts` with the rules applied; the due ones are queued after commit.
    Returns the ids of the rows made.

    Call inside a transaction. Rows due now are leased at once, so the dispatcher does not
    queue them a second time while their tasks wait in the broker.
    """
    now = now or timezone.now()
    send_now = send_after is None or send_after <= now
    at = now if send_now else send_after
    skips = _skip_reasons(survey=survey, contacts=contacts, at=at)
    lease = now + send_lease() if send_now else None
    template = Invitation(
        survey=survey,
        distribution=distribution,
        event=event,
        send_after=send_after,
        created_at=now,
    )
    # One CSPRNG token per row; status, reason and lease follow the rules.
    rows = []
    for contact in contacts:
        reason = skips.get(contact.pk, "")
        rows.append(
            (
                contact.pk,
                new_token(),
                InvitationStatus.SKIPPED if reason else InvitationStatus.PENDING,
                reason,
                None if reason else lease,
            )
        )
    if connection.vendor == "postgresql" and len(rows) >= FAST_INSERT_MIN_ROWS:
        created = _insert_unnest(template, rows)
    else:
        created = _insert_orm(template, rows)
    pending_ids = [pk for pk, status in created if status == InvitationStatus.PENDING]
    if send_now and pending_ids:
        transaction.on_commit(lambda: invitations_enqueue(invitation_ids=pending_ids))
    return [pk for pk, _status in created]


# Columns that differ per row in a bulk insert; every other column is the same for the batch.
_PER_ROW = ("contact_id", "token", "status", "skip_reason", "leased_until")
_PER_ROW_TYPES = ("bigint", "varchar", "varchar", "varchar", "timestamptz")


def _insert_orm(template: Invitation, rows: list[tuple]) -> list[tuple[int, str]]:
    invitations = []
    for values in rows:
        invitation = Invitation(
            survey_id=template.survey_id,
            distribution_id=template.distribution_id,
            event_id=template.event_id,
            send_after=template.send_after,
            **dict(zip(_PER_ROW, values, strict=True)),
        )
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations, batch_size=BULK_BATCH_SIZE)
    if any(i.pk is None for i in invitations):  # a backend that cannot return ids
        tokens = {i.token: i for i in invitations}
        for pk, token in Invitation.objects.filter(token__in=list(tokens)).values_list(
            "pk", "token"
        ):
            tokens[token].pk = pk
    return [(i.pk, i.status) for i in invitations]


def _insert_unnest(template: Invitation, rows: list[tuple]) -> list[tuple[int, str]]:
    """One INSERT ... SELECT FROM unnest(arrays) per chunk on PostgreSQL.

    Measured on 2 cores (bench/wave_send.py): bulk_create spends ~200 us a row preparing values
    in Python (about 7,000 rows/s); sending five arrays lets PostgreSQL build the rows. The
    constant columns come from the model's fields, so a column added later is not forgotten.
    """
    fields = [f for f in Invitation._meta.concrete_fields if not f.primary_key]
    constants, columns, select = [], [], []
    for f in fields:
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in _PER_ROW:
            select.append(f"u.{f.attname}")
            continue
        value = f.pre_save(template, add=True) if f.attname == "created_at" else None
        if value is None:
            value = getattr(template, f.attname)
        select.append("%s")
        constants.append(f.get_db_prep_save(value, connection))
    unnest = ", ".join(f"%s::{kind}[]" for kind in _PER_ROW_TYPES)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Invitation._meta.db_table)} "  # noqa: S608
        f"({', '.join(columns)}) SELECT {', '.join(select)} "
        f"FROM unnest({unnest}) AS u({', '.join(_PER_ROW)}) RETURNING id, status"
    )
    created: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), FAST_INSERT_CHUNK):
            chunk = rows[start : start + FAST_INSERT_CHUNK]
            arrays = [list(column) for column in zip(*chunk, strict=True)]
            cursor.execute(sql, [*constants, *arrays])
            created.extend(cursor.fetchall())
    return created


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> None:
    """Publish one chunk task per SEND_CHUNK_SIZE invitations; call it after the rows are
    committed. Publishing a chunk twice is harmless: each row is claimed before its send."""
    from ..tasks import invitations_send_chunk_task  # the tasks module imports this one

    ids = list(dict.fromkeys(invitation_ids))
    for start in range(0, len(ids), SEND_CHUNK_SIZE):
        invitations_send_chunk_task.delay(ids[start : start + SEND_CHUNK_SIZE])


# ------------------------------------------------------------------ claims and emails


def _scheduled_due(now: datetime) -> Q:
    return Q(send_after__isnull=True) | Q(send_after__lte=now)


def _lease_over(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lte=now)


def _claimable(now: datetime) -> Q:
    """What a send task may take: a due PENDING row (its lease belongs to the task that was
    queued for it), or a SENDING row whose lease ran out (the worker died mid-send)."""
    pending = Q(status=InvitationStatus.PENDING) & _scheduled_due(now)
    stale_sending = Q(status=InvitationStatus.SENDING) & _lease_over(now)
    return pending | stale_sending


def _dispatchable(now: datetime) -> Q:
    """What the dispatcher may queue: due rows nobody holds a lease on."""
    pending = Q(status=InvitationStatus.PENDING) & _scheduled_due(now) & _lease_over(now)
    stale_sending = Q(status=InvitationStatus.SENDING) & _lease_over(now)
    return pending | stale_sending


def _message_id(invitation: Invitation, reminder: int = 0) -> str:
    """The same Message-ID for every attempt of one mail, so a duplicate delivery is detectable;
    each reminder is a mail of its own."""
    salt, kind, value = "surveys.invitation.message-id", "invitation", str(invitation.pk)
    if reminder:
        salt, kind, value = "surveys.invitation.reminder", "reminder", f"{invitation.pk}:{reminder}"
    digest = salted_hmac(salt, value).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}.{digest}@{domain}>"


def _one_click_scale(invitation: Invitation, texts, question) -> dict | None:
    """The survey's opening scale as links (`?score=n`): one click opens the form with the
    score chosen. Nothing is stored by the click (mail scanners follow links too)."""
    if question is None:
        return None
    low, high = question.scale
    return {
        "text": texts.question(question, "text"),
        "min_label": texts.question(question, "min_label"),
        "max_label": texts.question(question, "max_label"),
        "choices": [
            {"value": value, "url": f"{invitation.url}?score={value}"}
            for value in range(low, high + 1)
        ],
    }


def unsubscribe_url(invitation: Invitation) -> str:
    """The opt-out page of this link (surveys.views_optout); every email must carry it."""
    return f"{settings.SITE_URL}/s/{invitation.token}/unsubscribe/"


def unsubscribe_headers(invitation: Invitation) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe with RFC 8058 one-click POST, for every survey email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(invitation)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@dataclasses.dataclass(frozen=True)
class EmailTexts:
    """What every email of one survey in one language shares: the texts (without piping) and
    the opening scale question. Computed once per chunk, not once per message."""

    texts: SurveyTexts
    scale_question: object | None  # surveys.models.Question


def invitation_email_texts(*, survey: Survey, language: str) -> EmailTexts:
    """The survey's email texts in `language`: a few queries, whatever the number of mails."""
    return EmailTexts(
        texts=survey_texts(
            survey=survey,
            questions=survey.questions.prefetch_related("choices"),
            language=language,
        ),
        scale_question=first_scale_question(survey),
    )


def invitation_email_build(
    *,
    invitation: Invitation,
    reminder: int = 0,
    closes_at: datetime | None = None,
    texts_cache: dict | None = None,
) -> EmailMultiAlternatives:
    """The invitation email, or its `reminder`-th reminder, in the contact's language: plain
    text and HTML, the personal link, the one-click scale and the opt-out link and headers.

    `texts_cache`, a dict the caller keeps for a batch of mails, holds the EmailTexts per
    survey and language, so that a batch reads the questions and translations once. Without
    it every call reads them. Piping (the contact's name...) is always per invitation.
    """
    contact, survey = invitation.contact, invitation.survey
    language = contact.language or survey.default_language
    key = (survey.pk, language)
    shared = texts_cache.get(key) if texts_cache is not None else None
    if shared is None:
        shared = invitation_email_texts(survey=survey, language=language)
        if texts_cache is not None:
            texts_cache[key] = shared
    texts = dataclasses.replace(shared.texts, piping=invitation_piping(invitation))
    template = "reminder" if reminder else "invitation"
    with translation.override(language):
        context = {
            "invitation": invitation,
            "contact": contact,
            "survey": survey,
            "title": texts["title"],
            "url": invitation.url,
            "one_click": _one_click_scale(invitation, texts, shared.scale_question),
            "unsubscribe_url": unsubscribe_url(invitation),
            "language": language,
            "rtl": language in RTL_LANGUAGES,
            "closes_on": timezone.localdate(closes_at) if closes_at else None,
        }
        subject = render_to_string(f"surveys/email/{template}_subject.txt", context)
        text = render_to_string(f"surveys/email/{template}.txt", context)
        html = render_to_string(f"surveys/email/{template}.html", context)
    message = EmailMultiAlternatives(
        # A header is one line: collapse whatever whitespace a title carries.
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((contact.name, contact.email))],
        headers={
            "Message-ID": _message_id(invitation, reminder),
            **unsubscribe_headers(invitation),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _is_permanent(exc: Exception) -> bool:
    """A 5xx reply (RFC 5321: permanent) for the message or for every recipient."""
    if isinstance(exc, SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _release(invitation_id: int, **fields) -> int:
    """Update a row this process holds in SENDING."""
    return Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENDING).update(
        **fields
    )


@transaction.atomic
def invitation_mark_failed(*, invitation_id: int, error: str) -> bool:
    """Give up on an invitation that was not sent; True if it was still open."""
    updated = Invitation.objects.filter(
        pk=invitation_id, status__in=[InvitationStatus.PENDING, InvitationStatus.SENDING]
    ).update(
        status=InvitationStatus.FAILED,
        failed_at=timezone.now(),
        error=error[:2000],
        leased_until=None,
    )
    if updated:
        logger.warning("Invitation %s failed: %s", invitation_id, error[:200])
    return bool(updated)


# ------------------------------------------------------------------ sending a chunk


def _retry_at(attempts: int, now: datetime) -> datetime:
    """When a row that failed its `attempts`-th try may be tried again: exponential backoff
    with jitter, as Celery's retry_backoff. The dispatcher takes the row back then."""
    seconds = min(RETRY_BACKOFF_MAX, 2 ** max(attempts, 0))
    return now + timedelta(seconds=seconds * random.uniform(0.5, 1.0))  # noqa: S311 (jitter)


def _retry_or_fail(invitation_id: int, *, attempts: int, error: str, claimed: bool) -> str:
    """A transient failure: back to PENDING with a backoff lease, or FAILED at the last try.

    `claimed`: the row is ours in SENDING and its claim counted the attempt. Otherwise it is a
    PENDING row that the chunk could not try (the server is down): the attempt is counted here,
    so that a server that never comes back ends in FAILED, not in an endless retry.
    """
    now = timezone.now()
    rows = Invitation.objects.filter(
        pk=invitation_id,
        status=InvitationStatus.SENDING if claimed else InvitationStatus.PENDING,
    )
    count = {} if claimed else {"attempts": F("attempts") + 1}
    attempts = attempts if claimed else attempts + 1
    if attempts >= MAX_SEND_ATTEMPTS:
        failed = rows.update(
            status=InvitationStatus.FAILED,
            failed_at=now,
            error=error[:2000],
            leased_until=None,
            **count,
        )
        if failed:
            logger.warning("Invitation %s failed after %s attempts: %s", invitation_id, attempts,
                           error[:200])  # fmt: skip
        return "failed"
    rows.update(
        status=InvitationStatus.PENDING,
        error=error[:2000],
        leased_until=_retry_at(attempts, now),
        **count,
    )
    return "retry"


def _connection_lost(exc: Exception) -> bool:
    """True if the SMTP session cannot carry another message: the network, a timeout, a 421
    (closing). A reply about one message (4xx to RCPT or DATA) leaves the session usable:
    smtplib sends RSET after it."""
    if isinstance(exc, SMTPRecipientsRefused):
        return False
    if isinstance(exc, SMTPResponseException):
        return exc.smtp_code == 421
    return True


class _SmtpSession:
    """One SMTP connection for a whole chunk, opened on first use, reopened after it broke."""

    def __init__(self) -> None:
        self.connection = None
        self.opened = 0
        self.failures = 0  # connection failures in a row
        self.error = ""

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            connection = get_connection()
            connection.open()
            self.connection = connection
            self.opened += 1
        if not self.connection.send_messages([message]):
            raise InvitationUndeliverable("The message has no recipient.")

    def failed(self, exc: Exception) -> None:
        if _connection_lost(exc):
            self.failures += 1
            self.error = _error_text(exc)
            self.close()

    def succeeded(self) -> None:
        self.failures = 0

    def close(self) -> None:
        if self.connection is None:
            return
        connection, self.connection = self.connection, None
        try:
            connection.close()
        except Exception:  # noqa: BLE001 (every message is recorded; QUIT failing changes nothing)
            logger.debug("Closing the SMTP connection failed", exc_info=True)


class _SendTimeRules:
    """The send-time rules for a chunk: opt-outs and survey states read in one query each and
    re-read every RULES_REFRESH_SECONDS; links delivered within the fatigue window read once
    and kept up to date with the chunk's own sends."""

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


class _SentMarks:
    """Records the SENT of the message the server has just accepted.

    The mark is written in the same transaction as the claim of the chunk's next row, so a
    message costs one commit instead of two; it is never later than the next SMTP conversation
    (the claim comes first) and it is flushed on its own before anything else (the end of the
    chunk, a hand-over, QUIT). A crash between the "250" and that commit resends the one
    message in flight, as before.
    """

    def __init__(self) -> None:
        self.accepted: tuple[Invitation, datetime] | None = None

    def hold(self, invitation: Invitation, sent_at: datetime) -> None:
        self.flush()
        self.accepted = (invitation, sent_at)

    def flush(self) -> None:
        if self.accepted is None:
            return
        (invitation, sent_at), self.accepted = self.accepted, None
        _release(
            invitation.pk,
            status=InvitationStatus.SENT,
            sent_at=sent_at,
            expires_at=sent_at + timedelta(days=invitation.survey.field_period_days),
            leased_until=None,
            error="",
        )

    def claim(self, invitation: Invitation, now: datetime) -> bool:
        """The conditional claim (PENDING -> SENDING), with the SENT mark
        of the previous message in the same transaction."""
        claim = Invitation.objects.filter(_claimable(now), pk=invitation.pk)
        fields = {
            "status": InvitationStatus.SENDING,
            "leased_until": now + send_lease(),
            "attempts": F("attempts") + 1,
        }
        if self.accepted is None:
            return bool(claim.update(**fields))
        with transaction.atomic():
            self.flush()
            return bool(claim.update(**fields))


def _chunk_send_one(
    invitation: Invitation,
    smtp: _SmtpSession,
    rules: _SendTimeRules,
    marks: _SentMarks,
    texts_cache: dict,
) -> str:
    """Claim, check, build, send and record one row of a chunk; returns the outcome."""
    now = timezone.now()
    claimed = marks.claim(invitation, now)
    if not claimed:
        return "taken"  # sent, skipped or being sent by another task meanwhile
    attempts = invitation.attempts + 1
    reason = rules.skip_reason(invitation, now)
    if reason:
        _release(
            invitation.pk, status=InvitationStatus.SKIPPED, skip_reason=reason, leased_until=None
        )
        return "skipped"
    try:
        message = invitation_email_build(invitation=invitation, texts_cache=texts_cache)
        smtp.send(message)
    except SoftTimeLimitExceeded:
        # Not the message's fault: back to PENDING for a retry, then stop the chunk.
        smtp.close()
        _release(
            invitation.pk,
            status=InvitationStatus.PENDING,
            leased_until=_retry_at(attempts, now),
            error="The send task ran out of time.",
        )
        raise
    except TRANSIENT_SEND_ERRORS as exc:
        error = _error_text(exc)
        if _is_permanent(exc):
            invitation_mark_failed(invitation_id=invitation.pk, error=error)
            return "failed"
        smtp.failed(exc)
        return _retry_or_fail(invitation.pk, attempts=attempts, error=error, claimed=True)
    except Exception as exc:  # noqa: BLE001 (a bad address or template fails every time)
        invitation_mark_failed(invitation_id=invitation.pk, error=_error_text(exc))
        return "failed"
    # Recorded right after the server's "250": with the next claim, before the next message,
    # before QUIT.
    sent_at = timezone.now()
    marks.hold(invitation, sent_at)
    smtp.succeeded()
    rules.sent(invitation, sent_at)
    return "sent"


def invitations_send_chunk(*, invitation_ids: Iterable[int]) -> dict[str, int]:
    """Send up to SEND_CHUNK_SIZE invitations over one SMTP connection; returns how many were
    sent, skipped, failed, put back for a retry, taken (not claimable: already sent, being
    sent elsewhere, not due) and handed on (to a new chunk task, when time ran short).

    Safe to run twice, concurrently or after a crash: every row is claimed on its own with
    a conditional UPDATE (PENDING -> SENDING) just before its message, and marked SENT just
    after the server accepted it (in the transaction of the next claim: `_SentMarks`). A
    failure belongs to its row: a 5xx or a bad message fails that row, a 4xx puts it back to
    PENDING with a backoff lease; the chunk goes on. When the connection cannot be (re)opened
    MAX_CONNECTION_FAILURES times in a row, the rows not yet tried are put back with a backoff
    too.

    The rows are read in one query; the send-time rules (survey live, opt-out, contact
    fatigue) in one query each (`_SendTimeRules`); texts once per survey and language.
    """
    ids = list(dict.fromkeys(invitation_ids))
    outcome: Counter[str] = Counter()
    if not ids:
        return {}
    started = time.monotonic()
    now = timezone.now()
    rows = list(
        Invitation.objects.filter(_claimable(now), pk__in=ids)
        .select_related("survey", "contact__account", "event__touch_point")
        .order_by("pk")
    )
    outcome["taken"] = len(ids) - len(rows)
    rules = _SendTimeRules(rows, now)
    smtp = _SmtpSession()
    marks = _SentMarks()
    texts_cache: dict = {}
    try:
        for index, invitation in enumerate(rows):
            rest = rows[index:]
            if smtp.failures >= MAX_CONNECTION_FAILURES:
                marks.flush()
                for row in rest:
                    outcome[
                        _retry_or_fail(
                            row.pk, attempts=row.attempts, error=smtp.error, claimed=False
                        )  # fmt: skip
                    ] += 1
                break
            if time.monotonic() - started > CHUNK_TIME_BUDGET:
                marks.flush()
                invitations_enqueue(invitation_ids=[row.pk for row in rest])
                outcome["handed_on"] = len(rest)
                break
            outcome[_chunk_send_one(invitation, smtp, rules, marks, texts_cache)] += 1
    finally:
        try:
            marks.flush()
        finally:
            smtp.close()
    result = {key: count for key, count in outcome.items() if count}
    logger.info(
        "Sent a chunk of %s invitations over %s SMTP connection(s) in %.2f s: %s",
        len(ids), smtp.opened, time.monotonic() - started, result,
    )  # fmt: skip
    return result


# ------------------------------------------------------------------ housekeeping


@transaction.atomic
def invitations_claim_due(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Lease up to `limit` due rows for the dispatcher and return their ids.

    Due: PENDING whose schedule (`send_after`) has come and which nobody holds a lease on
    (never queued, or queued but lost by the broker), and SENDING past its lease (the worker
    died mid-send). Rows claimed too often are failed instead. Passing `now` freezes time.
    """
    now = now or timezone.now()
    Invitation.objects.filter(_dispatchable(now), attempts__gte=MAX_SEND_ATTEMPTS).update(
        status=InvitationStatus.FAILED,
        failed_at=now,
        leased_until=None,
        error=f"Gave up after {MAX_SEND_ATTEMPTS} attempts.",
    )
    due = Invitation.objects.filter(_dispatchable(now))
    ids = list(due.order_by("send_after", "pk").values_list("pk", flat=True)[:limit])
    # The lease: until it runs out the dispatcher leaves these rows to the tasks it queues now.
    # Re-filtering on `due` skips a row that a live task claimed in the meantime.
    due.filter(pk__in=ids).update(status=InvitationStatus.PENDING, leased_until=now + send_lease())
    return ids


@transaction.atomic
def invitations_expire(*, now: datetime | None = None) -> int:
    """Close links whose field period is over; returns how many expired."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
