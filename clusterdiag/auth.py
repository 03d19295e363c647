"""The logged-in user of a request, from a short-lived copy in this process's memory.

With sessions cached (clusterdiag/sessions.py), looking the user up was the last
database query of a trivial logged-in page. The copy lives at most SESSION_CACHE_SECONDS
and is dropped at once when this process saves or deletes the user; a change made by
another process or host (a new password, a deactivation) applies there within that delay.
Django still checks the session's password hash against the copy on every request.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches


def user_cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def user_key(user_id) -> str:
    return f"clusterdiag.user:{user_id}"


class CachedUserBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = settings.SESSION_CACHE_SECONDS
        if not seconds:
            return super().get_user(user_id)
        user = user_cache().get(user_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                user_cache().set(user_key(user_id), user, seconds)
        return user


def forget_user(user_id) -> None:
    user_cache().delete(user_key(user_id))


def remember_user(user) -> None:
    if settings.SESSION_CACHE_SECONDS:
        user_cache().set(user_key(user.pk), user, settings.SESSION_CACHE_SECONDS)
