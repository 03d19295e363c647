"""The logged-in user of a request, from the session cache (clusterdiag/sessioncache.py).

With sessions copied (clusterdiag/sessions.py), looking the user up was the last database
query of a trivial logged-in page. The copy lives at most SESSION_CACHE_SECONDS and is
deleted whenever the user is saved or deleted (receivers.py); with SESSION_CACHE_URL that
deletion is seen by every process and host at once. Django still checks the session's
password hash against the copy on every request.

The session's copy names its user (sessions.py), so that the cache hands both over in one
round trip; the user's copy stays under its own key, which a change to the user deletes.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from . import sessioncache

USER_PREFIX = "clusterdiag.user:"


def user_key(user_id) -> str:
    return f"{USER_PREFIX}{user_id}"


class CachedUserBackend(ModelBackend):
    def get_user(self, user_id):
        if not settings.SESSION_CACHE_SECONDS:
            return super().get_user(user_id)
        key = user_key(user_id)
        # Most often the copy came with the session, in the same round trip (sessions.py).
        user = sessioncache.take(key)
        if user is None:
            user = sessioncache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                sessioncache.fill({key: user}, settings.SESSION_CACHE_SECONDS)
        return user


def forget_user(user_id) -> None:
    sessioncache.changed({user_key(user_id): None})


def remember_user(user) -> None:
    sessioncache.fill({user_key(user.pk): user}, settings.SESSION_CACHE_SECONDS)
