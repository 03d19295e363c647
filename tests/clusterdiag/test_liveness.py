"""The worker's watchdog (clusterdiag/liveness.py): a worker that stops consuming while
messages wait and the broker answers exits, for its supervisor to restart it."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from clusterdiag.celery import app as celery_app
from clusterdiag.liveness import EX_TEMPFAIL, Watch, waiting_messages

from ..conftest import ROOT

# --- The decision ---------------------------------------------------------------------------


def test_waiting_messages_with_an_idle_worker_is_a_stall_only_after_the_delay():
    watch = Watch(stall_seconds=30, last_progress=0)

    assert not watch.stalled(now=29, waiting=3, busy=False)
    assert watch.stalled(now=30, waiting=3, busy=False)


@pytest.mark.parametrize("waiting, busy", [(0, False), (None, False), (3, True)])
def test_an_empty_queue_a_silent_broker_or_a_task_in_hand_is_no_stall(waiting, busy):
    """Nothing to do, a broker that does not answer (the worker's own reconnection deals
    with it) and a long render all start the clock again."""
    watch = Watch(stall_seconds=30, last_progress=0)

    assert not watch.stalled(now=100, waiting=waiting, busy=busy)
    assert not watch.stalled(now=129, waiting=3, busy=False)
    assert watch.stalled(now=130, waiting=3, busy=False)


def test_a_broker_that_does_not_answer_counts_as_none(settings, monkeypatch):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery would prefer it
    # Not the process's current app: every shared task (task.delay) of the later tests
    # would go through this one, not eager and to a queue no test worker reads.
    app = celery_app.__class__("liveness-test", set_as_current=False)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    app.conf.broker_connection_timeout = 1

    assert waiting_messages(app, ["celery"]) is None


# --- A real worker that stops consuming -------------------------------------------------------

STALL_SECONDS = 3


@pytest.mark.worker
def test_a_worker_that_stops_consuming_exits_for_its_supervisor(tmp_path):
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs CELERY_BROKER_URL (scripts/test sets it)")
    queue = f"liveness-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@test"
    log = tmp_path / "worker.log"
    env = {**os.environ, "WORKER_STALL_SECONDS": str(STALL_SECONDS)}
    with open(log, "w") as out:
        worker = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "celery", "-A", "clusterdiag", "worker", "-Q", queue,
             "-n", hostname, "--concurrency=1", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=0.5):
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
        # Idle with an empty queue for twice the delay: no stall.
        time.sleep(2 * STALL_SECONDS + 1)
        assert worker.poll() is None, log.read_text()

        # Connected, but consuming no more (what a hung and resumed Redis can leave), while
        # a message waits in its queue.
        celery_app.control.cancel_consumer(queue, destination=[hostname], reply=True)
        celery_app.send_task("clusterdiag.tests.nothing", queue=queue)

        worker.wait(timeout=STALL_SECONDS + 30)
        assert worker.returncode == EX_TEMPFAIL, log.read_text()
        assert "the worker exits so that its supervisor restarts it" in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
