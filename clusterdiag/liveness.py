"""A Celery worker that has stopped consuming exits, so that its supervisor starts it anew.

After Redis hangs and resumes, a worker can stay connected yet never take another message
(celery#8030, #8082: the consumer's connection is re-established but its socket is no
longer polled). kombu#2007 (in kombu 5.4) fixed the restarted-Redis case reported there, and
we run kombu 5.7; a hung (SIGSTOP) Redis still left our worker idle in 2 drills of 5, much
like the half-open connections of celery#10502 (kombu#2590), which no setting prevents.
Nothing inside the worker notices, so this watchdog does, from outside the consumer: every
few seconds it asks the broker, on a connection of its own, how many messages wait in the
worker's queues. When messages wait, the broker answers, the worker holds no task (it is
not busy rendering) and it has received nothing for WORKER_STALL_SECONDS, the worker is
stuck: it shuts down with exit code 75 (EX_TEMPFAIL), and Compose (restart:) or systemd
(Restart=always) starts a new one, which consumes the queue; the jobs are rows in the
database, so nothing is lost meanwhile. A broker that does not answer is not a stall: the
worker's own reconnection handles it, and the clock starts again once the broker answers.
"""

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field

from billiard import process as billiard_process
from celery.signals import task_received, worker_ready, worker_shutting_down
from celery.worker import state
from django.conf import settings
from kombu.exceptions import ChannelError

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
# After asking the worker to stop, how long a clean shutdown may take before a hard exit.
SHUTDOWN_GRACE_SECONDS = 30


@dataclass
class Watch:
    """The decision, apart from the broker and the clock, so that it can be tested."""

    stall_seconds: float
    last_progress: float = field(default_factory=time.monotonic)

    def progress(self, now: float) -> None:
        self.last_progress = now

    def stalled(self, *, now: float, waiting: int | None, busy: bool) -> bool:
        """waiting: messages in the worker's queues, None when the broker did not answer."""
        if busy or not waiting:  # working, nothing to do, or the broker is away
            self.progress(now)
            return False
        return now - self.last_progress >= self.stall_seconds


def waiting_messages(app, queues: list[str]) -> int | None:
    """Messages waiting in `queues`, asked on a new connection; None if the broker does not
    answer within the broker timeouts of the settings."""
    try:
        with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
            total = 0
            for name in queues:
                with connection.channel() as channel:
                    try:
                        total += channel.queue_declare(queue=name, passive=True).message_count
                    except ChannelError:  # no such queue (yet): nothing waits in it
                        continue
            return total
    except Exception as exc:  # any broker error means "not answering", never a crash
        logger.debug("liveness: the broker did not answer (%s)", exc.__class__.__name__)
        return None


def _busy() -> bool:
    return bool(state.reserved_requests or state.active_requests)


def _exit_for_restart(reason: str) -> None:
    logger.error("liveness: %s; the worker exits so that its supervisor restarts it", reason)
    state.should_stop = EX_TEMPFAIL  # what a SIGTERM does: the consumer loop stops
    time.sleep(SHUTDOWN_GRACE_SECONDS)
    # Still here: the consumer loop is not running at all. Stop the pool's processes (and
    # with them their Chromium), then leave.
    logger.error("liveness: no clean shutdown within %s s: exiting now", SHUTDOWN_GRACE_SECONDS)
    for child in billiard_process.active_children():
        os.kill(child.pid, signal.SIGKILL)
    os._exit(EX_TEMPFAIL)


class Watchdog(threading.Thread):
    def __init__(self, app, queues: list[str], stall_seconds: float):
        super().__init__(name="liveness", daemon=True)
        self.app, self.queues = app, queues
        self.watch = Watch(stall_seconds=stall_seconds)
        self.interval = max(1.0, stall_seconds / 6)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(self.interval):
            waiting = waiting_messages(self.app, self.queues)
            if self.watch.stalled(now=time.monotonic(), waiting=waiting, busy=_busy()):
                _exit_for_restart(f"{waiting} messages wait in {', '.join(self.queues)}, the "
                                  f"broker answers, and nothing was received for "
                                  f"{self.watch.stall_seconds:.0f} s")
                return


WATCHDOG: list[Watchdog] = []


@worker_ready.connect
def _start(sender, **_kwargs):
    seconds = settings.WORKER_STALL_SECONDS
    if seconds <= 0 or sender.app.conf.task_always_eager:
        return
    queues = sorted(sender.app.amqp.queues.consume_from or sender.app.amqp.queues)
    watchdog = Watchdog(sender.app, queues, seconds)
    WATCHDOG.append(watchdog)
    watchdog.start()
    logger.info("liveness: watching %s (exit after %.0f s without consuming)",
                ", ".join(queues), seconds)


@task_received.connect
def _received(**_kwargs):
    for watchdog in WATCHDOG:
        watchdog.watch.progress(time.monotonic())


@worker_shutting_down.connect
def _stop(**_kwargs):
    for watchdog in WATCHDOG:
        watchdog.stopping.set()
