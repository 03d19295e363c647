"""Redis never holds a request: one circuit breaker per Redis server, in each process.

Redis is never the record here, PostgreSQL is: Redis holds copies of sessions and users
(sessioncache.py), rate-limit counters (rediscache.py), and carries tasks whose work is
kept in rows or sent again later (queue.py). Every call to Redis has a short socket timeout
(REDIS_TIMEOUT_SECONDS). When a server does not answer within it (stopped, hung by SIGSTOP,
behind a network that drops packets), the caller that saw the error trips the breaker of
that server, and for REDIS_RETRY_SECONDS every caller of this process skips the server at
once (raising Unavailable, or returning its fallback) instead of waiting on it again; then
the next caller tries it again. A request thus waits on a hung Redis for one timeout at
most, whichever of its calls comes first, and a process once every REDIS_RETRY_SECONDS.

The sessions cache and the broker are the same Redis as deployed (docker-compose.yml): a
session read that timed out spares the same request's task sending its wait, and the other
way round. The breaker is per process: gunicorn's sync workers serve one request at a time.
"""

import logging
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

_down_until: dict[str, float] = {}


class Unavailable(ConnectionError):
    """The server did not answer a moment ago: skipped without waiting on it."""


def server(url: str) -> str:
    """The server of a Redis URL, whatever its database number or credentials."""
    parts = urlsplit(url)
    if parts.scheme == "unix" or not parts.hostname:
        return parts.path
    return f"{parts.hostname}:{parts.port or 6379}"


def check(url: str) -> None:
    """Raise Unavailable while the server's breaker is open."""
    key = server(url)
    if time.monotonic() < _down_until.get(key, 0.0):
        raise Unavailable(f"Redis at {key} did not answer a moment ago")


def available(url: str) -> bool:
    try:
        check(url)
    except Unavailable:
        return False
    return True


def failed(url: str, error: BaseException) -> None:
    """The server failed a call (timeout, refused, broken connection): skip it for a while."""
    key = server(url)
    _down_until[key] = time.monotonic() + settings.REDIS_RETRY_SECONDS
    logger.warning("Redis at %s did not answer (%r): not tried again for %s s", key, error,
                   settings.REDIS_RETRY_SECONDS)


def reset() -> None:
    """Close every breaker of this process (tests)."""
    _down_until.clear()
