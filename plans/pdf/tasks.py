"""Celery tasks of the PDF: thin, they take ids and call services.

acks_late + reject_on_worker_lost: a worker killed while rendering hands the message back
to the broker, and the same task (same id) takes its job over when delivered again; a
retry (the database went away) keeps the id too."""

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown, worker_ready
from django.conf import settings

from . import charts, render, services


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True,
             # A render that lost its database (a restart) is sent again within seconds;
             # the sweeper would only take it back after PDF_RUNNING_TIMEOUT_SECONDS.
             autoretry_for=services.DATABASE_GONE, retry_backoff=2, retry_backoff_max=30,
             max_retries=8,
             soft_time_limit=settings.PDF_TIME_LIMIT_SECONDS,
             time_limit=settings.PDF_TIME_LIMIT_SECONDS + 30)
def render_plan_pdf(self, *, job_id: int) -> str:
    return services.pdf_job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task
def sweep_pdf_jobs() -> dict:
    return services.pdf_jobs_sweep()


@worker_process_init.connect
def _warm_browser(**_kwargs):
    # One Chromium per pool process, started after the fork (a browser does not survive
    # one); it opens in a thread of its own, so the pool's start-up timeout is safe.
    charts.start_warm_browser()
    render.freeze_long_lived_objects()


@worker_process_shutdown.connect
def _stop_browser(**_kwargs):
    charts.stop_warm_browser()


@worker_ready.connect
def _sweep_on_start(**_kwargs):
    # A worker that starts (or restarts after a crash) picks up what waited meanwhile.
    sweep_pdf_jobs.delay()
