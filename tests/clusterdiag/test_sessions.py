"""Sessions and users from a short-lived copy in each process (clusterdiag/sessions.py,
clusterdiag/auth.py): a logged-in request reads neither from the database once copied,
and what this process changes is seen at once."""

import os

import pytest
import redis
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from clusterdiag import sessioncache
from clusterdiag.auth import user_key
from clusterdiag.sessions import KEY_PREFIX, USER_OF_PREFIX, local_seconds
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


def _logged_in(client, user):
    client.force_login(user, backend="clusterdiag.auth.CachedUserBackend")
    client.get("/ping")  # the first request copies the session and the user


def test_a_logged_in_request_reads_no_session_and_no_user(client, user, settings,
                                                          django_assert_num_queries):
    settings.SESSION_CACHE_SECONDS = 30  # the copy is off by default
    _logged_in(client, user)

    with django_assert_num_queries(0):
        response = client.get("/ping")

    assert response.status_code == 200
    assert response.wsgi_request.user == user


def test_with_no_copy_both_are_read_each_time(client, user, settings,
                                              django_assert_num_queries):
    settings.SESSION_CACHE_SECONDS = 0
    _logged_in(client, user)

    with django_assert_num_queries(2):  # the session, then the user
        client.get("/ping")


def test_a_user_saved_here_is_read_afresh(client, user, settings):
    settings.SESSION_CACHE_SECONDS = 30
    _logged_in(client, user)
    user.is_active = False
    user.save()

    assert not client.get("/ping").wsgi_request.user.is_authenticated


def test_a_new_password_ends_the_other_sessions_of_this_process(client, user):
    _logged_in(client, user)
    user.set_password("A-new-password-2026")
    user.save()

    assert not client.get("/ping").wsgi_request.user.is_authenticated


def test_logging_out_ends_the_session_here_and_in_the_database(client, user):
    _logged_in(client, user)
    key = client.session.session_key

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert not client.get("/ping").wsgi_request.user.is_authenticated


def test_the_copy_never_outlives_the_session(client, user, settings):
    settings.SESSION_CACHE_SECONDS = 30
    _logged_in(client, user)
    session = client.session
    session.set_expiry(5)
    session.save()

    assert local_seconds(session.get_expiry_age()) <= 5
    assert session[SESSION_KEY] == str(user.pk)


# --- A shared cache (SESSION_CACHE_URL), and one that stops answering ------------------------

def _shared(settings):
    """The "sessions" cache on the tests' Redis, as SESSION_CACHE_URL would set it."""
    settings.CACHES = {**settings.CACHES, "sessions": {
        "BACKEND": "clusterdiag.rediscache.RedisCache",
        # A prefix per test process: the processes' databases give out the same user ids.
        "LOCATION": settings.CELERY_BROKER_URL, "KEY_PREFIX": f"test-sessions-{os.getpid()}"}}
    settings.SESSION_CACHE_SECONDS = 30


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands this process sends, by name, as they are sent."""
    sent = []
    send = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        sent.append(str(args[0]).upper())
        return send(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


def test_with_a_shared_cache_the_session_and_its_user_come_in_one_round_trip(
        client, user, settings, redis_commands, django_assert_num_queries):
    _shared(settings)
    _logged_in(client, user)
    redis_commands.clear()

    with django_assert_num_queries(0):
        assert client.get("/ping").wsgi_request.user == user

    assert redis_commands == ["EVALSHA"]


def test_with_a_shared_cache_a_user_changed_elsewhere_is_read_afresh(client, user, settings):
    _shared(settings)
    _logged_in(client, user)
    user.is_active = False
    user.save()  # as another process would: its copy is deleted from the shared cache

    assert sessioncache.cache().get(user_key(user.pk)) is None
    assert not client.get("/ping").wsgi_request.user.is_authenticated


def test_a_session_copy_naming_another_user_never_lets_that_user_in(client, user, settings):
    _shared(settings)
    _logged_in(client, user)
    other = UserFactory()
    sessioncache.cache().set(user_key(other.pk), other, 30)
    sessioncache.cache().set(USER_OF_PREFIX + client.session.session_key, other.pk, 30)

    assert client.get("/ping").wsgi_request.user == user


def test_what_a_session_read_brings_along_is_taken_once_and_only_under_its_key():
    sessioncache.hand_over(user_key(7), "the copy of user 7")
    assert sessioncache.take(user_key(8)) is None
    assert sessioncache.take(user_key(7)) is None  # the first take used it up

    sessioncache.hand_over(user_key(7), "the copy of user 7")
    assert sessioncache.take(user_key(7)) == "the copy of user 7"


def test_with_a_shared_cache_a_log_out_deletes_the_one_copy(client, user, settings,
                                                             django_assert_num_queries):
    _shared(settings)
    _logged_in(client, user)
    key = client.session.session_key
    assert sessioncache.cache().get(KEY_PREFIX + key) is not None  # what every process reads

    with django_assert_num_queries(0):
        assert client.get("/ping").wsgi_request.user == user

    client.post(reverse("logout"))

    assert sessioncache.cache().get(KEY_PREFIX + key) is None
    client.cookies["sessionid"] = key
    assert not client.get("/ping").wsgi_request.user.is_authenticated


class _Unreachable:
    """A cache whose server does not answer (as a stopped or hung Redis)."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("no answer")
        return fail


def test_an_unreachable_cache_reads_the_database_and_deletes_stale_copies_later(
        client, user, settings, monkeypatch, django_assert_num_queries):
    settings.SESSION_CACHE_SECONDS = 30
    _logged_in(client, user)
    key = client.session.session_key
    working = sessioncache.cache()
    monkeypatch.setattr(sessioncache, "cache", _Unreachable)

    with django_assert_num_queries(2):  # the session and the user, from the database
        assert client.get("/ping").wsgi_request.user == user
    client.post(reverse("logout"))  # its copy cannot be deleted now
    assert working.get(KEY_PREFIX + key) is not None

    monkeypatch.setattr(sessioncache, "cache", lambda: working)
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert not client.get("/ping").wsgi_request.user.is_authenticated
    assert working.get(KEY_PREFIX + key) is None
