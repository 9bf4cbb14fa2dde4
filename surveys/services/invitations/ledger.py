"""The ledger's state machine: every state change of an Invitation row while it is sent.

    PENDING --claim--> SENDING --"250"--> SENT
       ^                  |--rule--> SKIPPED
       |                  |--5xx, bad message, last attempt--> FAILED
       +--4xx, lost connection, out of time (a backoff lease)--+

Each change is one conditional UPDATE, so two tasks holding the same id (a redelivered or
duplicated message) cannot both win. Two columns, two meanings:
- `send_after` is the designer's schedule: the row is not mailed before it (empty: at once).
- `leased_until` is the send lease: while it lies in the future the row is queued or being
  sent and the dispatcher leaves it to its task; once it has passed, a PENDING or SENDING row
  is treated as lost (broker restarted, worker killed) and queued again.
"""

import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ...constants import InvitationStatus
from ...models import Invitation

logger = logging.getLogger(__name__)

# A row claimed this many times (e.g. a message that kills the worker) is given up on.
MAX_SEND_ATTEMPTS = 10
# A transient failure (4xx, connection lost) puts the row back to PENDING with a lease of
# about 2**attempts seconds (jittered, at most RETRY_BACKOFF_MAX): the dispatcher retries it
# when the lease runs out, until MAX_SEND_ATTEMPTS.
RETRY_BACKOFF_MAX = 600
# Ids per send task: one SMTP connection and one read of the rows for all of them. A chunk
# takes about a second against a healthy server, far below visibility_timeout and the task
# time limit; sending.CHUNK_TIME_BUDGET hands the rest of a slow chunk to a new task.
SEND_CHUNK_SIZE = 100
# The dispatcher leases and queues due rows this many at a time, at most this many times a run.
DISPATCH_BATCH = 500
DISPATCH_MAX_BATCHES = 20


def send_lease() -> timedelta:
    """Longer than a task may run (CELERY_TASK_TIME_LIMIT) and than the longest retry backoff,
    so the dispatcher never races a live task or a scheduled retry."""
    return timedelta(seconds=settings.CEM_SEND_LEASE_SECONDS)


def error_text(exc: Exception) -> str:
    """An exception as the row's `error` records it."""
    return f"{type(exc).__name__}: {exc}"[:2000]


# ------------------------------------------------------------------ which rows may be taken


def _scheduled_due(now: datetime) -> Q:
    return Q(send_after__isnull=True) | Q(send_after__lte=now)


def _lease_over(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lte=now)


def claimable(now: datetime) -> Q:
    """What a send task may take: a due PENDING row (its lease belongs to the task that was
    queued for it), or a SENDING row whose lease ran out (the worker died mid-send)."""
    pending = Q(status=InvitationStatus.PENDING) & _scheduled_due(now)
    stale_sending = Q(status=InvitationStatus.SENDING) & _lease_over(now)
    return pending | stale_sending


def dispatchable(now: datetime) -> Q:
    """What the dispatcher may queue: due rows nobody holds a lease on."""
    pending = Q(status=InvitationStatus.PENDING) & _scheduled_due(now) & _lease_over(now)
    stale_sending = Q(status=InvitationStatus.SENDING) & _lease_over(now)
    return pending | stale_sending


# ------------------------------------------------------------------ one row's transitions


def invitation_claim(*, invitation_id: int, now: datetime) -> bool:
    """PENDING (or stale SENDING) -> SENDING with a fresh lease, counting the attempt; False
    if the row is not claimable (sent, skipped, not due, or held by a live task)."""
    return bool(
        Invitation.objects.filter(claimable(now), pk=invitation_id).update(
            status=InvitationStatus.SENDING,
            leased_until=now + send_lease(),
            attempts=F("attempts") + 1,
        )
    )


def _release(invitation_id: int, **fields) -> int:
    """Update a row this process holds in SENDING."""
    return Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENDING).update(
        **fields
    )


def invitation_mark_sent(*, invitation: Invitation, sent_at: datetime) -> int:
    """SENDING -> SENT once the server accepted the message; the link's field period starts."""
    return _release(
        invitation.pk,
        status=InvitationStatus.SENT,
        sent_at=sent_at,
        expires_at=sent_at + timedelta(days=invitation.survey.field_period_days),
        leased_until=None,
        error="",
    )


def invitation_mark_skipped(*, invitation_id: int, reason: str) -> int:
    """SENDING -> SKIPPED: a send-time rule forbids the message."""
    return _release(
        invitation_id, status=InvitationStatus.SKIPPED, skip_reason=reason, leased_until=None
    )


def invitation_put_back(*, invitation_id: int, attempts: int, now: datetime, error: str) -> int:
    """SENDING -> PENDING with a backoff lease: not the message's fault (the task ran out of
    time); the dispatcher tries again when the lease runs out."""
    return _release(
        invitation_id,
        status=InvitationStatus.PENDING,
        leased_until=retry_at(attempts, now),
        error=error,
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


def retry_at(attempts: int, now: datetime) -> datetime:
    """When a row that failed its `attempts`-th try may be tried again: exponential backoff
    with jitter, as Celery's retry_backoff. The dispatcher takes the row back then."""
    seconds = min(RETRY_BACKOFF_MAX, 2 ** max(attempts, 0))
    return now + timedelta(seconds=seconds * random.uniform(0.5, 1.0))  # noqa: S311 (jitter)


def invitation_retry_or_fail(
    *, invitation_id: int, attempts: int, error: str, claimed: bool
) -> str:
    """A transient failure: back to PENDING with a backoff lease ("retry"), or FAILED at the
    last try ("failed").

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
        leased_until=retry_at(attempts, now),
        **count,
    )
    return "retry"


# ------------------------------------------------------------------ the dispatcher's side


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> None:
    """Publish one chunk task per SEND_CHUNK_SIZE invitations; call it after the rows are
    committed. Publishing a chunk twice is harmless: each row is claimed before its send."""
    from ...tasks import invitations_send_chunk_task  # the tasks module imports this one

    ids = list(dict.fromkeys(invitation_ids))
    for start in range(0, len(ids), SEND_CHUNK_SIZE):
        try:
            invitations_send_chunk_task.delay(ids[start : start + SEND_CHUNK_SIZE])
        except Exception as error:  # kombu's OperationalError and whatever the transport raises
            # The rows are committed and PENDING: the dispatcher queues them once the broker
            # is back (or their lease runs out). The request that created them has succeeded.
            logger.warning(
                "Broker unreachable (%s): %d invitations wait for the dispatcher",
                type(error).__name__,
                len(ids) - start,
            )
            return


@transaction.atomic
def invitations_claim_due(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Lease up to `limit` due rows for the dispatcher and return their ids.

    Due: PENDING whose schedule (`send_after`) has come and which nobody holds a lease on
    (never queued, or queued but lost by the broker), and SENDING past its lease (the worker
    died mid-send). Rows claimed too often are failed instead. Passing `now` freezes time.
    """
    now = now or timezone.now()
    Invitation.objects.filter(dispatchable(now), attempts__gte=MAX_SEND_ATTEMPTS).update(
        status=InvitationStatus.FAILED,
        failed_at=now,
        leased_until=None,
        error=f"Gave up after {MAX_SEND_ATTEMPTS} attempts.",
    )
    due = Invitation.objects.filter(dispatchable(now))
    ids = list(due.order_by("send_after", "pk").values_list("pk", flat=True)[:limit])
    # The lease: until it runs out the dispatcher leaves these rows to the tasks it queues now.
    # Re-filtering on `due` skips a row that a live task claimed in the meantime.
    due.filter(pk__in=ids).update(status=InvitationStatus.PENDING, leased_until=now + send_lease())
    return ids


def invitations_dispatch_due() -> tuple[int, int]:
    """One run of the dispatcher: queue due and lost sends, close expired links; returns
    (queued, expired).

    Each batch is leased in the database before it is queued (as chunk tasks of
    SEND_CHUNK_SIZE), so the next run does not queue it again; rows whose messages are lost,
    and rows put back after a transient failure, come back when their lease runs out.
    """
    queued = 0
    for _ in range(DISPATCH_MAX_BATCHES):
        ids = invitations_claim_due(limit=DISPATCH_BATCH)
        invitations_enqueue(invitation_ids=ids)
        queued += len(ids)
        if len(ids) < DISPATCH_BATCH:
            break
    return queued, invitations_expire()


@transaction.atomic
def invitations_expire(*, now: datetime | None = None) -> int:
    """Close links whose field period is over; returns how many expired."""
    now = now or timezone.now()
    return Invitation.objects.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED)
