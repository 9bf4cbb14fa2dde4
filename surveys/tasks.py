"""Thin Celery wrappers over `surveys.services.invitations` and `surveys.services.waves`:
they take ids (or nothing), call one service and log.

Delivery is at least once (acks_late): every task here is safe to run twice, because the
Invitation ledger, not the broker, decides what is still to be sent, and waves are unique per
period with reminders and closes claimed by conditional UPDATEs.
"""

import logging

from celery import shared_task
from django.utils import timezone

from .services.invitations import (
    InvitationUndeliverable,
    invitations_dispatch_due,
    invitations_send_chunk,
)
from .services.waves import programmes_start_due, waves_close_due, waves_send_due_reminders

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------ sending


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
    """Beat, every DISPATCH_INTERVAL_SECONDS: queue due and lost sends, close expired links;
    returns how many were queued."""
    queued, expired = invitations_dispatch_due()
    if queued or expired:
        logger.info("Dispatched %s invitations, expired %s", queued, expired)
    return queued


# ------------------------------------------------------------------ relationship waves
# Run daily by beat (CELERY_BEAT_SCHEDULE).


@shared_task(acks_late=True)
def programmes_start_due_task() -> int:
    started = programmes_start_due(today=timezone.localdate())
    if started:
        logger.info("Started %s relationship waves", len(started))
    return len(started)


@shared_task(acks_late=True)
def waves_send_reminders_task() -> int:
    return waves_send_due_reminders()


@shared_task(acks_late=True)
def waves_close_due_task() -> int:
    closed = waves_close_due()
    if closed:
        logger.info("Closed %s relationship waves", closed)
    return closed


# ------------------------------------------------------------------ retention


@shared_task(acks_late=True)
def personal_data_purge_task() -> dict:
    """Beat, daily: the retention policy of surveys.services.privacy (CEM_RETENTION_*).
    Idempotent: what is purged is not found again."""
    from .services.privacy import personal_data_purge

    return personal_data_purge()
