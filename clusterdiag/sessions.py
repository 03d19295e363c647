"""Sessions kept in the database, with a copy in each process's memory for a short while.

Every logged-in request needs its session; read from the database each time, it was half
the cost of a trivial logged-in page. Django's cached_db keeps a copy in a cache for the
whole life of the session, which is only right when every process shares that cache.
Here each process keeps its own copy (the "sessions" cache, in memory: no Redis in the
path of a page), for at most SESSION_CACHE_SECONDS. The database stays the record, so
every host and process sees a new session at once; a session ended elsewhere (log-out,
password change on another host or process) is refused there within that delay.
SESSION_CACHE_SECONDS=0 reads the database every time.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger(__name__)


def local_seconds(expiry_age: int | None = None) -> int:
    """How long this process may use its own copy: never past the session's expiry."""
    seconds = settings.SESSION_CACHE_SECONDS
    return seconds if expiry_age is None else max(0, min(seconds, expiry_age))


class SessionStore(CachedDBStore):
    def load(self):
        if not settings.SESSION_CACHE_SECONDS:
            return DBStore.load(self)
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        seconds = local_seconds(self.get_expiry_age(expiry=stored.expire_date))
        if seconds:
            self._cache.set(self.cache_key, data, seconds)
        return data

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        seconds = local_seconds(self.get_expiry_age())
        if seconds:
            self._cache.set(self.cache_key, self._session, seconds)
