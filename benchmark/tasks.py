import logging
from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from . import services

logger = logging.getLogger(__name__)


@shared_task
def task_refresh_peer_statistics(*, cohort: str, requested_at: str | None = None) -> dict:
    if requested_at and not services.statistics_refresh_needed(
            cohort=cohort, requested_at=datetime.fromisoformat(requested_at)):
        logger.info("peer statistics of %s already refreshed since %s", cohort, requested_at)
        return {"cohort": cohort, "skipped": True}
    for attempt in range(3):
        try:
            state = services.statistics_refresh(cohort=cohort)
            break
        except OperationalError:
            # A peer left while the refresh read its snapshot: read a new one.
            if attempt == 2:
                raise
            logger.info("peer statistics of %s: concurrent change, refreshing again", cohort)
    logger.info("peer statistics of %s refreshed: %s entries", cohort, state.entries)
    return {"cohort": cohort, "entries": state.entries}
