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

import threading

from django.conf import settings
from django.core.cache import caches

_stale: set[str] = set()  # keys changed while the cache was unreachable
# What a session's read brought along (its user's copy), for this thread's current request
# only: the next read of a session replaces it, and it is taken once (hand_over, take).
_brought = threading.local()


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


def get_followed(key: str, pointer: str, prefix: str) -> tuple:
    """The copy at `key`, the value at `pointer` and the copy at `prefix` + that value: a
    session, its user's id and its user, in one round trip where the cache can
    (rediscache.RedisCache.get_followed). None for each one missing, and all three None
    when the cache is unreachable."""
    if not _usable():
        return None, None, None
    try:
        follow = getattr(cache(), "get_followed", None)
        if follow is not None:
            return follow(key, pointer, prefix)
        value, target = cache().get(key), cache().get(pointer)
        return value, target, None if target is None else cache().get(f"{prefix}{target}")
    except Exception:
        return None, None, None


def hand_over(key: str | None = None, value=None) -> None:
    """Leave `value`, the copy of `key` just read along with a session, for take()."""
    _brought.item = (key, value)


def take(key: str):
    """The copy of `key` that this request's session read brought along, once; else None."""
    item = getattr(_brought, "item", None)
    _brought.item = None
    return item[1] if item is not None and item[0] == key else None


def fill(copies: dict, seconds: int) -> None:
    """Keep copies of what was just read from the database (nothing changed); a None is
    nothing to keep."""
    copies = {key: value for key, value in copies.items() if value is not None}
    if seconds <= 0 or not copies or not _usable():
        return
    try:
        cache().set_many(copies, seconds)
    except Exception:
        return


def changed(copies: dict, seconds: int = 0) -> None:
    """The records behind these keys changed: replace each copy by its new value (delete it
    when the value is None). When that fails, the stale copies are deleted as soon as the
    cache answers again."""
    if not settings.SESSION_CACHE_SECONDS:
        return
    gone = [key for key, value in copies.items() if value is None or seconds <= 0]
    kept = {key: value for key, value in copies.items() if key not in gone}
    if _usable() and _write(gone, kept, seconds):
        return
    _stale.update(copies)  # unreachable: delete the stale copies later


def _write(gone: list, kept: dict, seconds: int) -> bool:
    try:
        if gone:
            cache().delete_many(gone)
        if kept:
            cache().set_many(kept, seconds)
    except Exception:
        return False
    return True


def reset() -> None:
    """Forget the state of this process (tests)."""
    _stale.clear()
    hand_over()
