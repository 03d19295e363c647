"""A stopped broker must not hold a request: what the web process sends to Celery fails
fast and quietly (found by the Redis-stopped fault drill of bench/run faults, where a
submission waited kombu's 2-second retry pause)."""

import socket
import time

import pytest
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from benchmark import services
from clusterdiag import queue
from clusterdiag.celery import app

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


@pytest.fixture
def broker_down():
    saved = {key: app.conf[key] for key in ("broker_url", "broker_write_url")}
    app.conf.update(broker_url=CLOSED_PORT, broker_write_url=CLOSED_PORT,
                    task_always_eager=False)  # tests/conftest.py puts it back
    yield
    app.conf.update(saved)


def test_the_statistics_refresh_gives_up_at_once_when_the_broker_is_down(
        broker_down, django_capture_on_commit_callbacks):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.schedule_statistics_refresh("live")  # robust: the failure is only logged
    elapsed = time.monotonic() - started

    assert elapsed < 1.0, f"waited {elapsed:.1f} s for a broker that is down"


def test_a_send_to_a_refused_broker_fails_within_our_bound(broker_down):
    started = time.monotonic()
    with pytest.raises(OperationalError):
        queue.send_task(services.REFRESH_TASK, cohort="live", requested_at=None)

    assert time.monotonic() - started < settings.REDIS_TIMEOUT_SECONDS + 0.25


@pytest.fixture
def broker_hung():
    """A server that accepts the connection and never answers: a hung Redis."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
        saved = {key: app.conf[key] for key in ("broker_url", "broker_write_url")}
        app.conf.update(broker_url=url, broker_write_url=url, task_always_eager=False)
        yield
        app.conf.update(saved)


def test_a_send_to_a_hung_broker_fails_within_our_bound(broker_hung):
    """The bound is ours (REDIS_TIMEOUT_SECONDS on the socket, one attempt), not kombu's
    retry pause: twice the timeout at most (connect, then the first command)."""
    started = time.monotonic()
    with pytest.raises(OperationalError):
        queue.send_task(services.REFRESH_TASK, cohort="live", requested_at=None)

    assert time.monotonic() - started < 2 * settings.REDIS_TIMEOUT_SECONDS + 0.25
