import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def task_refresh_peer_statistics(*, cohort: str) -> dict:
    state = services.statistics_refresh(cohort=cohort)
    logger.info("peer statistics of %s refreshed: %s entries", cohort, state.entries)
    return {"cohort": cohort, "entries": state.entries}
