"""The cache of sessions and their users, kept from taking a page down with it.

With SESSION_CACHE_URL set, the "sessions" cache is a Redis that every process and host
shares: a log-out or a new password deletes the one copy there, so the session ends
everywhere at once, and a logged-in request reads neither the session nor the user from
PostgreSQL. Redis is not the record, PostgreSQL is: when Redis is down or hung, reads go to
the database. The cache waits REDIS_TIMEOUT_SECONDS at most, and after a failure this
process skips Redis for REDIS_RETRY_SECONDS (rediscache.py, breaker.py). A change made
meanwhile (a log-out, a saved user) cannot delete the copy it makes stale, so the key is
kept here and deleted first when Redis answers again; copies also expire after
SESSION_CACHE_SECONDS, which bounds what a process that stops before then leaves behind.

Without SESSION_CACHE_URL the cache is this process's memory, SESSION_CACHE_SECONDS is 0
by default and nothing is copied (a copy per process would outlive a log-out made on
another process).
"""

from django.conf import settings
from django.core.cache import caches

_stale: set[str] = set()  # keys changed while the cache was unreachable


def cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def _usable() -> bool:
    if not settings.SESSION_CACHE_SECONDS:
        return False
    if _stale:
        try:
            cache().delete_many(list(_stale))
        except Exception:  # any failure of the cache (logged by the breaker): the database
            return False
        _stale.clear()
    return True


def get(key: str):
    """The copy, or None (none kept, or the cache is unreachable: read the database)."""
    if not _usable():
        return None
    try:
        return cache().get(key)
    except Exception:
        return None


def fill(key: str, value, seconds: int) -> None:
    """Keep a copy of what was just read from the database (nothing changed)."""
    if seconds <= 0 or not _usable():
        return
    try:
        cache().set(key, value, seconds)
    except Exception:
        return


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
        except Exception:  # unreachable: delete the stale copy later
            _stale.add(key)
            return
    _stale.add(key)


def reset() -> None:
    """Forget the state of this process (tests)."""
    _stale.clear()
