"""Sending Celery tasks: the one place every app goes through.

Services name a task by its registered name and never import the task module: tasks are
leaves that import services, never the other way round."""

import logging

import redis
from django.conf import settings
from django.db import transaction
from kombu import pools
from kombu.exceptions import OperationalError

from . import breaker
from .celery import app

logger = logging.getLogger(__name__)


def send_task(name: str, **kwargs) -> bool:
    """Send the task now; False when it was not sent because the broker did not answer a
    moment ago (breaker.py): every caller has a way to send it again (the job rows'
    sweeper, the next refresh). A broker that is down or hung fails the send within
    REDIS_TIMEOUT_SECONDS: one attempt, short socket timeouts (kombu would otherwise pause
    2 s and retry a refused connection while the user waits). The connections are pooled
    per process and broker address, so a send costs no new connection. With no broker
    configured (task_always_eager) the task runs here, in the caller's process."""
    if app.conf.task_always_eager:
        if name not in app.tasks:  # autodiscovery is lazy outside a worker
            app.loader.import_default_modules()
        app.tasks[name].apply(kwargs=kwargs, throw=True)
        return True
    timeout = settings.REDIS_TIMEOUT_SECONDS
    broker = app.connection_for_write(transport_options={
        "max_retries": 0, "socket_timeout": timeout, "socket_connect_timeout": timeout})
    url = broker.as_uri()
    if not breaker.available(url):
        logger.info("Task %s not sent: the broker did not answer a moment ago", name)
        return False
    try:
        with pools.connections[broker].acquire(block=True, timeout=timeout) as connection:
            app.send_task(name, kwargs=kwargs, connection=connection, retry=False)
    except (OperationalError, redis.RedisError, OSError) as error:
        breaker.failed(url, error)
        raise
    return True


def send_task_on_commit(name: str, **kwargs) -> None:
    """Send the task once the current transaction has committed, so that the worker finds
    the rows it is about to read. robust: a broker that is down must never fail the request;
    every caller has a way to send again (the job rows' sweeper, the next refresh)."""
    # A lambda, not a partial: Django names the callback (__qualname__) when it fails.
    transaction.on_commit(lambda: send_task(name, **kwargs), robust=True)
