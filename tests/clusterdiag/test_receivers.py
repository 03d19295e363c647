"""The receivers of clusterdiag (receivers.py) that are not about users."""

import pytest
from django.core.cache import caches

from clusterdiag.receivers import caches_to_close


@pytest.mark.django_db
def test_no_cache_is_closed_after_a_request_when_none_has_anything_to_close(
        client, settings, monkeypatch):
    closed = []
    monkeypatch.setattr(caches, "close_all", lambda: closed.append(True))

    client.get("/ping")

    assert caches_to_close(settings.CACHES) == []
    assert closed == []


def test_a_cache_that_closes_its_connections_is_named():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "shared": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"},
              "sessions": {"BACKEND": "clusterdiag.rediscache.RedisCache"}}

    assert caches_to_close(caches) == ["shared"]
