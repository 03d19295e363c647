"""The cache of sessions and their users, kept from taking a page down with it.

With SESSION_CACHE_URL set, the "sessions" cache is a Redis that every process and host
shares: a log-out or a new password deletes the one copy there, so the session ends
everywhere at once, and a logged-in request reads neither the session nor the user from
PostgreSQL. Redis is not the record, PostgreSQL is: when Redis is down or hung (short socket
timeouts, see settings), reads go to the database, and this process leaves the cache alone
for RETRY_SECONDS instead of waiting on it at every request. A change made meanwhile (a
log-out, a saved user) cannot delete the copy it makes stale, so the key is kept here and
deleted first when Redis answers again; copies also expire after SESSION_CACHE_SECONDS,
which bounds what a process that stops before then leaves behind.

Without SESSION_CACHE_URL the cache is this process's memory, SESSION_CACHE_SECONDS is 0
by default and nothing is copied (a copy per process would outlive a log-out made on
another process).
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
_state = {"down_until": 0.0}
_stale: set[str] = set()  # keys changed while the cache was unreachable


def cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def _usable() -> bool:
    if not settings.SESSION_CACHE_SECONDS or time.monotonic() < _state["down_until"]:
        return False
    if _stale:
        try:
            cache().delete_many(list(_stale))
        except Exception as error:  # any failure of the cache: use the database
            _failed(error)
            return False
        _stale.clear()
    return True


def _failed(error: Exception) -> None:
    _state["down_until"] = time.monotonic() + RETRY_SECONDS
    logger.warning("Session cache unreachable, reading the database for %.0f s: %r",
                   RETRY_SECONDS, error)


def get(key: str):
    """The copy, or None (none kept, or the cache is unreachable: read the database)."""
    if not _usable():
        return None
    try:
        return cache().get(key)
    except Exception as error:
        _failed(error)
        return None


def fill(key: str, value, seconds: int) -> None:
    """Keep a copy of what was just read from the database (nothing changed)."""
    if seconds <= 0 or not _usable():
        return
    try:
        cache().set(key, value, seconds)
    except Exception as error:
        _failed(error)


def changed(key: str, value=None, seconds: int = 0) -> None:
    """The record of `key` changed: replace the copy by `value` (delete it when None). When
    that fails, the stale copy is deleted as soon as the cache answers again."""
    if not settings.SESSION_CACHE_SECONDS:
        return
    if _usable():
        try:
            if value is None or seconds <= 0:
                cache().delete(key)
            else:
                cache().set(key, value, seconds)
            return
        except Exception as error:
            _failed(error)
    _stale.add(key)


def reset() -> None:
    """Forget the state of this process (tests)."""
    _state["down_until"] = 0.0
    _stale.clear()


class _RedisClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every command; building one (its table
    of response callbacks) cost more than the command itself in the profile of /ping. One
    per connection pool is enough: redis.Redis is safe to share."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class RedisCache(DjangoRedisCache):
    """The "sessions" cache with SESSION_CACHE_URL (settings)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _RedisClient
