"""A stopped broker must not hold a request: what the web process sends to Celery fails
fast and quietly (found by the Redis-stopped fault drill of bench/run faults, where a
submission waited kombu's 2-second retry pause)."""

import time

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from benchmark import services
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


def test_before_the_fix_a_plain_delay_waited(broker_down):
    """What the drill found, kept as the yardstick of the test above."""
    from benchmark.tasks import task_refresh_peer_statistics

    started = time.monotonic()
    with pytest.raises(OperationalError):
        task_refresh_peer_statistics.delay(cohort="live")

    assert time.monotonic() - started > 1.5
