import logging

from celery import shared_task

from . import rollup

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def metrics_rollup_refresh_task() -> str | None:
    """Extend the daily metric rollup to the start of today (PostgreSQL only; idempotent)."""
    if not rollup.enabled():
        return None
    through, _rebuilt = rollup.refresh(rebuild=False)
    logger.info("Metric rollup extended through %s", through.isoformat())
    return through.isoformat()
