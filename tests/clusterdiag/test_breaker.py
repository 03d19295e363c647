"""A hung Redis holds no request (clusterdiag/breaker.py): every call waits
REDIS_TIMEOUT_SECONDS at most, and once one has timed out the process asks that server
nothing more for REDIS_RETRY_SECONDS (found by the hung-Redis rounds of bench/run faults,
where a submission waited a quarter of a second for its session and a second for its task).
"""

import json
import socket
import threading
import time

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse

from clusterdiag import breaker, queue
from clusterdiag.celery import app as celery_app
from plans.models import ActionPlan, PdfJob
from tests.factories import answer_everything, plan_for

pytestmark = pytest.mark.django_db


class HungRedis:
    """A server that accepts connections and never answers, like a SIGSTOPped Redis; it
    counts the bytes it is sent, so a test can tell whether anyone asked it anything."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}"
        self.received = 0
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection):
        while True:
            try:
                data = connection.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += len(data)

    def close(self):
        self.server.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_redis():
    server = HungRedis()
    yield server
    server.close()


@pytest.fixture
def redis_everywhere(settings):
    """Point the sessions cache (as SESSION_CACHE_URL does) and the broker at a Redis URL,
    as deployed: one server, two databases."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_write_url")}

    def point(url: str) -> None:
        settings.CACHES = {**settings.CACHES, "sessions": {
            "BACKEND": "clusterdiag.rediscache.RedisCache", "LOCATION": f"{url}/1",
            "KEY_PREFIX": "test-breaker"}}
        settings.SESSION_CACHE_SECONDS = 30
        celery_app.conf.update(broker_url=f"{url}/0", broker_write_url=f"{url}/0",
                               task_always_eager=False)  # tests/conftest.py puts it back

    yield point
    celery_app.conf.update(saved)


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_hung_redis_costs_a_submission_one_timeout_then_nothing(
        client, team, settings, hung_redis, redis_everywhere,
        django_capture_on_commit_callbacks):
    answer_everything(team.diagnostic, team.manager)
    client.force_login(team.manager)  # stored while Redis answered
    redis_everywhere(hung_redis.url)
    submit = reverse("diagnostic:diagnostic_submit", args=[team.diagnostic.pk])

    with django_capture_on_commit_callbacks(execute=True):  # the statistics refresh
        response, first = _timed(lambda: client.post(submit, {"benchmark_consent": "on"}))
    asked = hung_redis.received
    later = [_timed(lambda: client.get(response["Location"])) for _ in range(3)]

    assert response.status_code == 302 and "/results/" in response["Location"]
    team.diagnostic.refresh_from_db()
    assert team.diagnostic.status == "submitted"
    assert asked > 0  # the session was asked for once...
    assert first < settings.REDIS_TIMEOUT_SECONDS + 0.5, first  # ...and nothing waited after
    assert all(page.status_code == 200 and page.wsgi_request.user == team.manager
               for page, _seconds in later)  # logged in, from the database
    # Not even the statistics refresh was sent: the breaker is open.
    assert hung_redis.received == asked, "Redis asked again while its breaker is open"


def test_a_hung_broker_holds_a_pdf_request_once_and_the_job_waits_in_its_row(
        client, team, settings, hung_redis, redis_everywhere,
        django_capture_on_commit_callbacks):
    plan = plan_for(team)
    client.force_login(team.manager)
    settings.SESSION_CACHE_SECONDS = 0  # only the broker in the way this time
    celery_app.conf.update(broker_url=f"{hung_redis.url}/0",
                           broker_write_url=f"{hung_redis.url}/0", task_always_eager=False)
    url = reverse("plans:pdf_request", args=[plan.pk])

    timings = []
    for _ in range(3):
        ActionPlan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)  # a new job
        with django_capture_on_commit_callbacks(execute=True):
            response, seconds = _timed(lambda: client.post(url))
        assert response.status_code == 302
        timings.append(seconds)

    assert timings[0] < settings.REDIS_TIMEOUT_SECONDS + 0.5, timings
    assert max(timings[1:]) < 0.5, timings  # the breaker is open: no wait at all
    assert list(PdfJob.objects.values_list("status", flat=True)) == ["queued"] * 3


def test_after_the_retry_delay_one_caller_tries_again(hung_redis, redis_everywhere):
    redis_everywhere(hung_redis.url)
    with pytest.raises(Exception):  # noqa: B017 - whatever kombu raises for the timeout
        queue.send_task("benchmark.tasks.task_refresh_peer_statistics", cohort="live",
                        requested_at=None)
    asked = hung_redis.received

    assert queue.send_task("benchmark.tasks.task_refresh_peer_statistics", cohort="live",
                           requested_at=None) is False
    assert hung_redis.received == asked

    breaker._down_until.clear()  # REDIS_RETRY_SECONDS later
    with pytest.raises(Exception):  # noqa: B017
        queue.send_task("benchmark.tasks.task_refresh_peer_statistics", cohort="live",
                        requested_at=None)
    assert hung_redis.received > asked


def test_one_breaker_per_server_whatever_the_database():
    assert breaker.server("redis://:secret@redis:6379/1") == breaker.server("redis://redis/0")
    assert breaker.server("redis://127.0.0.1:6391/0") != breaker.server("redis://127.0.0.1/0")
    breaker.failed("redis://redis:6379/1", TimeoutError("hung"))

    assert not breaker.available("redis://redis:6379/0")
    assert breaker.available("redis://elsewhere:6379/0")


# --- The session copy while Redis does not answer: nobody logged out, no save lost -------------

def test_a_session_saved_while_redis_is_skipped_is_read_afresh_when_it_answers(
        client, user, settings):
    settings.CACHES = {**settings.CACHES, "sessions": {  # on the tests' real Redis
        "BACKEND": "clusterdiag.rediscache.RedisCache",
        "LOCATION": settings.CELERY_BROKER_URL, "KEY_PREFIX": "test-breaker"}}
    settings.SESSION_CACHE_SECONDS = 30
    client.force_login(user, backend="clusterdiag.auth.CachedUserBackend")
    client.get("/ping")  # copied in Redis
    key = client.session.session_key
    breaker.failed(settings.CELERY_BROKER_URL, TimeoutError("hung"))  # as after a timeout

    session = client.session
    session["saved_meanwhile"] = "kept"
    session.save()  # in the database; the copy in Redis is now stale
    assert client.get("/ping").wsgi_request.user == user  # still logged in
    breaker.reset()  # Redis answers again
    response = client.get("/ping")

    assert response.wsgi_request.user == user
    assert response.wsgi_request.session["saved_meanwhile"] == "kept"
    assert client.session.session_key == key


# --- Rate-limit counters in a hung Redis --------------------------------------------------------

def test_a_password_reset_answers_at_once_and_stays_throttled_while_the_counters_redis_is_hung(
        client, user, settings, hung_redis):
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "clusterdiag.rediscache.RateLimitCache", "LOCATION": f"{hung_redis.url}/2"}}
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "2/h"
    client.get(reverse("password_reset"))  # its first drawing is not what is timed here

    timings = []
    for _ in range(4):
        response, seconds = _timed(lambda: client.post(reverse("password_reset"),
                                                       {"email": user.email}))
        assert response.status_code == 302
        timings.append(seconds)

    assert timings[0] < settings.REDIS_TIMEOUT_SECONDS + 0.5, timings
    assert max(timings[1:]) < 0.5, timings
    # Counted in this process meanwhile: the first two are sent, the limit holds after.
    assert [message.to for message in mail.outbox] == [[user.email], [user.email]]


def test_every_redis_cache_of_the_settings_goes_through_the_breaker():
    from tests.clusterdiag.test_settings import _django

    result = _django(
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: s.CACHES[k]['BACKEND'] for k in ('sessions', 'ratelimit')}))",
        DEBUG="true", SESSION_CACHE_URL="redis://redis:6379/1",
        RATELIMIT_CACHE_URL="redis://redis:6379/2")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"sessions": "clusterdiag.rediscache.RedisCache",
                                         "ratelimit": "clusterdiag.rediscache.RateLimitCache"}
