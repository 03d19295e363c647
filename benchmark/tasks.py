import logging
from datetime import datetime

from celery import shared_task
from django.db import OperationalError

from . import services

logger = logging.getLogger(__name__)


# A refresh asked for while another one runs waits this long, then checks whether the
# other one's release already covers it (most often it does: many submissions, one refresh).
REFRESH_RETRY_SECONDS = 5


@shared_task(bind=True, max_retries=None)
def task_refresh_peer_statistics(self, *, cohort: str, requested_at: str | None = None) -> dict:
    if requested_at and not services.statistics_refresh_needed(
            cohort=cohort, requested_at=datetime.fromisoformat(requested_at)):
        logger.info("peer statistics of %s already refreshed since %s", cohort, requested_at)
        return {"cohort": cohort, "skipped": True}
    for attempt in range(3):
        try:
            # Inline (no broker) a retry would run again at once: wait for the lock there.
            state = services.statistics_refresh(cohort=cohort, wait=bool(self.request.is_eager))
            break
        except services.RefreshRunning:
            logger.info("peer statistics of %s: a refresh is running, asking again later",
                        cohort)
            raise self.retry(countdown=REFRESH_RETRY_SECONDS) from None
        except OperationalError:
            # A peer left while the refresh read its snapshot: read a new one, and after
            # three in a row (a busy moment) ask again later rather than give up, since no
            # other refresh may be asked for until the next submission.
            if attempt == 2:
                logger.info("peer statistics of %s: changed meanwhile three times, asking "
                            "again later", cohort)
                raise self.retry(countdown=REFRESH_RETRY_SECONDS) from None
            logger.info("peer statistics of %s: concurrent change, refreshing again", cohort)
    logger.info("peer statistics of %s refreshed: %s entries", cohort, state.entries)
    return {"cohort": cohort, "entries": state.entries}
