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


@shared_task(acks_late=True)
def monthly_packs_due_task() -> int:
    """Beat, daily: make sure each vertical market has last month's pack once the meeting is
    near (CEM_REVIEW_MEETING_DAY - CEM_REVIEW_PACK_LEAD_DAYS); a doubled beat adds nothing."""
    from .services.reports import monthly_packs_schedule

    return len(monthly_packs_schedule())


@shared_task(bind=True, acks_late=True, **MAIL_RETRY)
def monthly_pack_generate_task(self, report_id: int) -> str:
    """Build one market's pack (once) and mail it to its general managers (once)."""
    from .services.reports import monthly_pack_generate

    report = monthly_pack_generate(report_id=report_id, task_id=self.request.id or "")
    return report.status


@shared_task(bind=True, acks_late=True)
def plans_export_task(self, report_id: int) -> str | None:
    """Build one large export (a ZIP of plan PDFs, or the actions as XLSX/CSV)."""
    from .services.exports import export_run

    report = export_run(report_id=report_id, task_id=self.request.id or "")
    return report.status if report else None
