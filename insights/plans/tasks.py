"""Celery tasks of plans: thin wrappers over services, ids only, idempotent under acks_late
(every mail is claimed on its row; a report is claimed by a conditional UPDATE)."""

import logging
from smtplib import SMTPException

from celery import shared_task

from .services import notices

logger = logging.getLogger(__name__)

MAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, **MAIL_RETRY)
def plan_share_mail_task(share_id: int) -> bool:
    """Mail one customer link (once)."""
    return notices.plan_share_mail(share_id=share_id)


@shared_task(acks_late=True, **MAIL_RETRY)
def plan_team_notify_task(kind: str, object_id: int) -> bool:
    """Tell the account team of an acknowledgement or a comment (once)."""
    return notices.plan_team_notify(kind=kind, object_id=object_id)
