import logging
from datetime import datetime

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def task_refresh_peer_statistics(*, cohort: str, requested_at: str | None = None) -> dict:
    if requested_at and not services.statistics_refresh_needed(
            cohort=cohort, requested_at=datetime.fromisoformat(requested_at)):
        logger.info("peer statistics of %s already refreshed since %s", cohort, requested_at)
        return {"cohort": cohort, "skipped": True}
    state = services.statistics_refresh(cohort=cohort)
    logger.info("peer statistics of %s refreshed: %s entries", cohort, state.entries)
    return {"cohort": cohort, "entries": state.entries}
