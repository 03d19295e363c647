"""Sessions kept in the database, with a copy in the session cache (clusterdiag/sessioncache.py).

Every logged-in request needs its session; read from the database each time, it and the
user were most of the cost of a trivial logged-in page (the profile in bench/profile_ping.py).
With SESSION_CACHE_URL (a Redis shared by every process and host) the copy is read instead,
and a log-out deletes it there, so the session ends everywhere at once. The database stays
the record: a new session is written there first, and read from there whenever the cache
has no copy or does not answer. SESSION_CACHE_SECONDS=0 reads the database every time.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

from . import sessioncache
from .auth import USER_PREFIX, user_key

KEY_PREFIX = "clusterdiag.session:"
# The id of the session's user beside each copy: a logged-in request then gets the session
# and its user's copy in one round trip instead of two (sessioncache.get_followed).
USER_OF_PREFIX = "clusterdiag.session-user:"


def copies(session_key: str, data: dict | None) -> dict:
    """The cache keys of a session's copies, with their values (None: delete)."""
    user_id = (data or {}).get(SESSION_KEY)
    return {KEY_PREFIX + session_key: data,
            # An integer is kept as is, not pickled: the cache can follow it (rediscache.py).
            USER_OF_PREFIX + session_key: int(user_id) if str(user_id).isdigit() else None}


def local_seconds(expiry_age: int | None = None) -> int:
    """How long a copy may be used: never past the session's expiry."""
    seconds = settings.SESSION_CACHE_SECONDS
    return seconds if expiry_age is None else max(0, min(seconds, expiry_age))


class SessionStore(DBStore):
    def load(self):
        if not settings.SESSION_CACHE_SECONDS:
            return super().load()
        sessioncache.hand_over()  # nothing from another request's session
        if self.session_key:
            data, user_id, user = sessioncache.get_followed(
                KEY_PREFIX + self.session_key, USER_OF_PREFIX + self.session_key, USER_PREFIX)
            if data is not None:
                if user is not None:
                    sessioncache.hand_over(user_key(user_id), user)
                return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        sessioncache.fill(copies(stored.session_key, data),
                          local_seconds(self.get_expiry_age(expiry=stored.expire_date)))
        return data

    def save(self, must_create=False):
        super().save(must_create)
        sessioncache.changed(copies(self._get_or_create_session_key(), self._session),
                             local_seconds(self.get_expiry_age()))

    def delete(self, session_key=None):
        super().delete(session_key)
        session_key = session_key or self.session_key
        if session_key:
            sessioncache.changed(copies(session_key, None))
