"""Sending Celery tasks: the one place every app goes through.

Services name a task by its registered name and never import the task module: tasks are
leaves that import services, never the other way round."""

from django.conf import settings
from django.db import transaction
from kombu import pools

from .celery import app


def send_task(name: str, **kwargs) -> None:
    """Send the task now, failing fast when the broker is down or hung: one connection
    attempt bounded by BROKER_TIMEOUT_SECONDS (kombu would otherwise pause 2 s and retry a
    refused connection while the user waits). The connections are pooled per process and
    broker address, so a send costs no new connection. With no broker configured
    (task_always_eager) the task runs here, in the caller's process."""
    if app.conf.task_always_eager:
        if name not in app.tasks:  # autodiscovery is lazy outside a worker
            app.loader.import_default_modules()
        app.tasks[name].apply(kwargs=kwargs, throw=True)
        return
    connections = pools.connections[
        app.connection_for_write(transport_options={"max_retries": 0})]
    with connections.acquire(block=True, timeout=settings.BROKER_TIMEOUT_SECONDS) as connection:
        app.send_task(name, kwargs=kwargs, connection=connection, retry=False)


def send_task_on_commit(name: str, **kwargs) -> None:
    """Send the task once the current transaction has committed, so that the worker finds
    the rows it is about to read. robust: a broker that is down must never fail the request;
    every caller has a way to send again (the job rows' sweeper, the next refresh)."""
    # A lambda, not a partial: Django names the callback (__qualname__) when it fails.
    transaction.on_commit(lambda: send_task(name, **kwargs), robust=True)
