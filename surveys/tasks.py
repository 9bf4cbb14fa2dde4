"""Thin Celery wrappers over `surveys.services.invitations`; they take ids and nothing else.

Delivery is at least once (acks_late): every task here is safe to run twice, because the
Invitation ledger, not the broker, decides what is still to be sent.
"""

import logging

from celery import shared_task

from .services.invitations import (
    InvitationUndeliverable,
    invitations_claim_due,
    invitations_enqueue,
    invitations_expire,
    invitations_send_chunk,
)

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 500
DISPATCH_MAX_CHUNKS = 20


@shared_task(acks_late=True)
def invitation_send_task(invitation_id: int) -> bool:
    """Send one invitation: a chunk of one, so that a single send obeys the same claim,
    send-time rules and retries as every other. True if its mail went out.

    No Celery retry: a transient failure puts the row back to PENDING with a backoff lease and
    the dispatcher retries it. A row that ended FAILED (5xx, a bad message, the last attempt)
    fails the task too, so that the worker's log and the result say so; the row keeps why.
    """
    outcome = invitations_send_chunk(invitation_ids=[invitation_id])
    if outcome.get("failed"):
        raise InvitationUndeliverable(f"Invitation {invitation_id} failed; see its error.")
    return outcome.get("sent", 0) == 1


@shared_task(acks_late=True)
def invitations_send_chunk_task(invitation_ids: list[int]) -> int:
    """Send a chunk of invitations over one SMTP connection; returns how many went out.

    No Celery retry: a failure belongs to its row, which the service puts back to PENDING with
    a backoff lease (the dispatcher retries it) or marks FAILED. A redelivered chunk (worker
    killed, visibility_timeout passed) sends only what is still unsent: each row is claimed.
    """
    return invitations_send_chunk(invitation_ids=invitation_ids).get("sent", 0)


@shared_task(acks_late=True)
def invitations_dispatch_due_task() -> int:
    """Beat, every few seconds: queue due and lost sends, close expired links.

    Each batch is leased in the database before it is queued (as chunk tasks of
    SEND_CHUNK_SIZE), so the next run does not queue it again; rows whose messages are lost, and
    rows put back after a transient failure, come back when their lease runs out.
    """
    queued = 0
    for _ in range(DISPATCH_MAX_CHUNKS):
        ids = invitations_claim_due(limit=DISPATCH_CHUNK)
        invitations_enqueue(invitation_ids=ids)
        queued += len(ids)
        if len(ids) < DISPATCH_CHUNK:
            break
    expired = invitations_expire()
    if queued or expired:
        logger.info("Dispatched %s invitations, expired %s", queued, expired)
    return queued


# ====================================================================================
# Relationship waves (present patterns): thin tasks over surveys.services.waves, run daily
# by beat (CELERY_BEAT_SCHEDULE). Each is idempotent: a wave is unique per period, reminders
# and closes are claimed with conditional UPDATEs, so a doubled or restarted beat is harmless.
# ====================================================================================


@shared_task(acks_late=True)
def programmes_start_due_task() -> int:
    from django.utils import timezone

    from .services.waves import programmes_start_due

    started = programmes_start_due(today=timezone.localdate())
    if started:
        logger.info("Started %s relationship waves", len(started))
    return len(started)


@shared_task(acks_late=True)
def waves_send_reminders_task() -> int:
    from .services.waves import waves_send_due_reminders

    return waves_send_due_reminders()


@shared_task(acks_late=True)
def waves_close_due_task() -> int:
    from .services.waves import waves_close_due

    closed = waves_close_due()
    if closed:
        logger.info("Closed %s relationship waves", closed)
    return closed
