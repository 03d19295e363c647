"""The Redis caches of SESSION_CACHE_URL and RATELIMIT_CACHE_URL (settings), kept from
holding a request: every command waits REDIS_TIMEOUT_SECONDS at most, goes through the
breaker of its server (breaker.py), and fails with breaker.Unavailable, never a Redis error.
"""

import redis
from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from . import breaker


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


# A value, a pointer, and the value the pointer names: a session's copy, its user's id and
# the user's copy (sessioncache.get_followed). One round trip instead of two on every
# logged-in request; Redis runs a script alone, so the three reads see one state. The
# followed key is built here from its prefix, so this needs one Redis, not a cluster.
_FOLLOW = """
local value = redis.call('GET', KEYS[1])
local pointer = redis.call('GET', KEYS[2])
if not value or not pointer then return {value, pointer, false} end
return {value, pointer, redis.call('GET', ARGV[1] .. pointer)}
"""


class RedisCache(DjangoRedisCache):
    """The sessions cache: its callers (sessioncache.py) read the database on Unavailable."""

    def __init__(self, server, params):
        options = {"socket_timeout": settings.REDIS_TIMEOUT_SECONDS,
                   "socket_connect_timeout": settings.REDIS_TIMEOUT_SECONDS,
                   **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _RedisClient
        self._url = self._servers[0]

    def _guarded(self, command, *args, **kwargs):
        breaker.check(self._url)
        try:
            return command(*args, **kwargs)
        except redis.RedisError as error:  # timeout, refused, connection lost
            breaker.failed(self._url, error)
            raise breaker.Unavailable(str(error)) from error

    def add(self, *args, **kwargs):
        return self._guarded(super().add, *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._guarded(super().get, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._guarded(super().set, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guarded(super().touch, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guarded(super().delete, *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._guarded(super().get_many, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._guarded(super().has_key, *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._guarded(super().incr, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guarded(super().set_many, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guarded(super().delete_many, *args, **kwargs)

    def clear(self):
        return self._guarded(super().clear)

    def get_followed(self, key, pointer, prefix):
        """`key`'s value, `pointer`'s (an integer, stored as is) and the value of `prefix`
        followed by it; None for each one missing."""
        client = self._cache.get_client(key)
        scripts = self.__dict__.setdefault("_scripts", {})
        if id(client) not in scripts:
            scripts[id(client)] = client.register_script(_FOLLOW)
        raw = self._guarded(scripts[id(client)], keys=[self.make_and_validate_key(key),
                                                       self.make_and_validate_key(pointer)],
                            args=[self.make_and_validate_key(prefix)])
        return tuple(None if value is None else self._cache._serializer.loads(value)
                     for value in raw)


class RateLimitCache(RedisCache):
    """The rate-limit counters (django-ratelimit, the API's throttle). While Redis does not
    answer, each process counts in its own memory instead, as the default counters of one
    small server do: for that while N processes let N times the rate through, but the limits
    still hold in each, and a password reset still sends its email. (The libraries handle
    no cache error: django-ratelimit would refuse every reset, the throttle count nothing.)
    Counts made meanwhile stay in that process; Redis's own resume when it answers again."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"clusterdiag.ratelimit.{id(self)}", {})

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except breaker.Unavailable:
            return self._local.get(key, default, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except breaker.Unavailable:
            return self._local.add(key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except breaker.Unavailable:
            return self._local.set(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except breaker.Unavailable:
            return self._local.incr(key, delta, version)
