"""Thin Celery wrappers over the cases services; ids in, idempotent under acks_late.

A redelivered evaluation finds its response's `ResponseEvaluation` and stops; a redelivered
notice finds its ledger row claimed or sent; escalation and digests claim rows by
conditional UPDATEs, so a doubled beat does nothing twice.
"""

import logging

from celery import shared_task

from .evaluation import response_evaluate, responses_sweep, rule_backfill_chunk
from .models import AlertRule
from .notices import case_notice_send, digests_send, notices_republish
from .services import cases_escalate_due

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def response_evaluate_task(response_id: int) -> int:
    """Run the active alert rules on one stored response; returns the cases it opened."""
    return len(response_evaluate(response_id=response_id))


@shared_task(acks_late=True)
def alerts_sweep_task() -> dict[str, int]:
    """Beat: evaluate responses whose task never ran, and republish stuck case mails."""
    evaluated = responses_sweep()
    republished = notices_republish()
    return {"evaluated": evaluated, "republished": republished}


@shared_task(acks_late=True)
def case_notice_send_task(notice_id: int) -> bool:
    return case_notice_send(notice_id=notice_id)


@shared_task(acks_late=True)
def cases_escalate_due_task() -> int:
    """Beat: escalate unacknowledged cases past their SLA to the general manager (once)."""
    escalated = cases_escalate_due()
    if escalated:
        logger.info("Escalated %d cases", escalated)
    return escalated


@shared_task(acks_late=True)
def case_digests_send_task() -> int:
    """Beat, daily: one mail per owner listing the cases held for the digest."""
    return digests_send()


BACKFILL_TASK_LIMIT = 2000


@shared_task(acks_late=True)
def rule_backfill_task(rule_id: int, since: str | None = None, until: str | None = None) -> int:
    """Open the cases a rule finds in the back catalogue (from the admin's action), in
    chunks well inside the task time limit: each chunk publishes the next."""
    from datetime import date

    rule = AlertRule.objects.filter(pk=rule_id).first()
    if rule is None:
        return 0
    examined, opened = rule_backfill_chunk(
        rule=rule,
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
        limit=BACKFILL_TASK_LIMIT,
    )
    # More may remain; stop when a full chunk opened nothing (nothing left but responses the
    # evaluator refuses), so that no chunk is examined for ever.
    if examined == BACKFILL_TASK_LIMIT and opened:
        rule_backfill_task.delay(rule_id, since, until)
    return opened
