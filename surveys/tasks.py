"""Thin Celery wrappers over `surveys.services.invitations`; they take ids and nothing else.

Delivery is at least once (acks_late): every task here is safe to run twice, because the
Invitation ledger, not the broker, decides what is still to be sent.
"""

import logging

from celery import Task, shared_task

from .services.invitations import (
    TRANSIENT_SEND_ERRORS,
    invitation_mark_failed,
    invitation_send,
    invitations_claim_due,
    invitations_enqueue,
    invitations_expire,
    invitations_send_chunk,
)

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 500
DISPATCH_MAX_CHUNKS = 20


class InvitationSendTask(Task):
    """One invitation (kept for single sends and callers of `invitation_send_task`); waves,
    events and the dispatcher publish chunks through `invitations_enqueue`."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Called once retries are exhausted or the error is not worth retrying.
        invitation_id = kwargs.get("invitation_id", args[0] if args else None)
        if invitation_id is not None:
            invitation_mark_failed(
                invitation_id=invitation_id, error=f"{type(exc).__name__}: {exc}"
            )


@shared_task(
    base=InvitationSendTask,
    acks_late=True,
    autoretry_for=TRANSIENT_SEND_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def invitation_send_task(invitation_id: int) -> bool:
    return invitation_send(invitation_id=invitation_id)


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
