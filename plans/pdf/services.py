"""The PDF jobs: request (web), run (worker), sweep (beat and worker start-up).

The job row is the outbox. A request writes it in its transaction and sends the task only
once that has committed; a broker that is down or hung fails the send within a quarter of
a second, or is skipped for a while after that (clusterdiag/queue.py, breaker.py), and the
job simply stays queued until the sweeper sends it again. The task may therefore arrive
twice, or after a worker died half-way: running a job is idempotent (a row lock decides who
renders; a finished job is never rendered again) and the file is written to a temporary
name and moved into place in one step."""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from clusterdiag import storage
from clusterdiag.queue import send_task_on_commit
from clusterdiag.storage import private_storage

from ..models import ActionPlan, PdfJob
from . import render

logger = logging.getLogger(__name__)
# The database went away under a render: worth the task's retry, not a failed job.
DATABASE_GONE = (OperationalError, InterfaceError)
Status = PdfJob.Status


# --- Files ------------------------------------------------------------------------------------

RENDER_TASK = "plans.pdf.tasks.render_plan_pdf"


def file_path(job: PdfJob) -> Path:
    """The job's file on this host's disk (PRIVATE_FILES_STORAGE=filesystem only)."""
    return Path(private_storage().path(job.storage_name))


def write_atomically(path: Path, content: bytes) -> None:
    """A file under PRIVATE_FILES_ROOT written whole or not at all (see clusterdiag.storage)."""
    storage.write_atomically(path, content, Path(private_storage().path(storage.TEMP_DIR)))


# --- The sample on the home page ---------------------------------------------------------------

def sample_plan() -> ActionPlan | None:
    """The demo manager's plan (demo data exists only while DEBUG is on), shown to
    strangers as a labelled sample report."""
    return (ActionPlan.objects.filter(cluster__is_demo=True, cluster__memberships__isnull=False)
            .order_by("pk").first())


def sample_pdf_path(*, plan: ActionPlan, language: str) -> Path:
    """The sample's file, rendered once per plan version and language, then reused."""
    path = Path(private_storage().path(f"sample/sample-{plan.pk}-v{plan.revision}-"
                                       f"{language}.pdf"))
    if not path.exists():
        write_atomically(path, render.plan_pdf(plan_id=plan.pk, language=language).content)
    return path


# --- The web side -----------------------------------------------------------------------------

def current_job(*, plan: ActionPlan, language: str) -> PdfJob | None:
    return PdfJob.objects.filter(plan=plan, revision=plan.revision, language=language).first()


@transaction.atomic
def pdf_request(*, plan: ActionPlan, user, language: str) -> PdfJob:
    """The job of the plan's current version in this language: the existing one (its file
    is reused), or a new one sent to the worker once the transaction has committed."""
    job, created = PdfJob.objects.get_or_create(
        plan=plan, revision=plan.revision, language=language,
        defaults={"requested_by": user, "sent_at": timezone.now()})
    if not created and job.status != Status.FAILED:
        return job
    if not created:  # asked again after a failure: try once more
        job.status, job.error, job.sent_at, job.requested_by = \
            Status.QUEUED, "", timezone.now(), user
        job.save(update_fields=["status", "error", "sent_at", "requested_by"])
    # A broker that is down does not fail the request: the sweeper sends it later.
    send_task_on_commit(RENDER_TASK, job_id=job.pk)
    return job


# --- The worker side --------------------------------------------------------------------------

def _running_timeout() -> timedelta:
    return timedelta(seconds=settings.PDF_RUNNING_TIMEOUT_SECONDS)


@transaction.atomic
def _claim(*, job_id: int, task_id: str) -> PdfJob | None:
    """Take the job if nobody else is rendering it. The same task delivered again (its
    worker died) takes its own job back at once; another task only once the holder has
    been silent for longer than any render may last."""
    job = PdfJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in (Status.DONE, Status.FAILED):
        return None
    if (job.status == Status.RUNNING and job.task_id != task_id
            and job.started_at > timezone.now() - _running_timeout()):
        return None
    job.status, job.task_id, job.started_at = Status.RUNNING, task_id, timezone.now()
    job.attempts += 1
    job.save(update_fields=["status", "task_id", "started_at", "attempts"])
    return job


@transaction.atomic
def _finish(*, job: PdfJob, rendered: render.RenderedPdf | None, error: str = ""
            ) -> PdfJob | None:
    """Record the outcome. None when the job is no longer wanted: deleted (its plan, or a
    later version, replaced it) or overtaken by a later version that was done first."""
    current = PdfJob.objects.select_for_update().filter(pk=job.pk).first()
    if current is None or current.status == Status.DONE:
        return current
    current.finished_at = timezone.now()
    if rendered is None:
        current.status, current.error = Status.FAILED, error[:500]
        current.save(update_fields=["status", "error", "finished_at"])
        return current
    if PdfJob.objects.filter(plan_id=current.plan_id, language=current.language,
                             revision__gt=current.revision, status=Status.DONE).exists():
        current.delete()
        return None
    current.status, current.file_name = Status.DONE, current.storage_name
    current.size, current.pages = len(rendered.content), rendered.pages
    current.save(update_fields=["status", "file_name", "size", "pages", "finished_at"])
    # A changed plan gets a new file; the earlier versions in this language go, with their
    # files (PdfJob's post_delete). A job still rendering one of them finds its row gone and drops
    # its file.
    PdfJob.objects.filter(plan_id=current.plan_id, language=current.language,
                          revision__lt=current.revision).delete()
    return current


def pdf_job_run(*, job_id: int, task_id: str) -> str:
    """Render and store one job, at most once. Returns what happened, for the logs."""
    job = _claim(job_id=job_id, task_id=task_id)
    if job is None:
        return "skipped"
    if ActionPlan.objects.filter(pk=job.plan_id, revision__gt=job.revision).exists():
        # The plan changed since it was asked for: nobody can download this version any
        # more (the pages show the current one), so its render would be wasted work.
        PdfJob.objects.filter(pk=job.pk).delete()
        return "superseded"
    try:
        rendered = render.plan_pdf(plan_id=job.plan_id, language=job.language)
    except ActionPlan.DoesNotExist:
        return "skipped"
    except DATABASE_GONE:
        # Not the plan's fault (PostgreSQL restarting, say): the task is sent again
        # (tasks.py) instead of the job waiting for the sweeper's running timeout.
        raise
    except Exception as exc:  # a bug or bad data: record it rather than retry for ever
        logger.exception("PDF job %s failed", job_id)
        _finish(job=job, rendered=None, error=f"{exc.__class__.__name__}: {exc}")
        return "failed"
    private_storage().save(job.storage_name, ContentFile(rendered.content))
    finished = _finish(job=job, rendered=rendered)
    if finished is None:
        private_storage().delete(job.storage_name)
        return "dropped"
    return finished.status


# --- The sweeper ------------------------------------------------------------------------------

MAX_ATTEMPTS = 5


def pdf_jobs_sweep(*, now=None) -> dict:
    """Send again every job that waited too long: queued (the broker was down when it was
    asked for) or running with a silent worker (killed). Run by Celery beat every
    PDF_SWEEP_SECONDS and once when a worker starts. Jobs that keep failing stop."""
    now = now or timezone.now()
    stale_queued = now - timedelta(seconds=settings.PDF_SWEEP_SECONDS)
    stale_running = now - _running_timeout()
    resent, given_up = [], 0
    with transaction.atomic():
        jobs = list(PdfJob.objects.select_for_update(skip_locked=True).filter(
            status__in=[Status.QUEUED, Status.RUNNING]).order_by("pk"))
        for job in jobs:
            waited = (job.sent_at or job.created_at) < stale_queued
            if job.status == Status.RUNNING:
                waited = waited and (job.started_at is None or job.started_at < stale_running)
            if not waited:
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.error, job.finished_at = \
                    Status.FAILED, "gave up after repeated attempts", now
                job.save(update_fields=["status", "error", "finished_at"])
                given_up += 1
                continue
            job.sent_at = now
            job.save(update_fields=["sent_at"])
            resent.append(job.pk)
        for job_id in resent:
            send_task_on_commit(RENDER_TASK, job_id=job_id)
    removed = _sweep_files(older_than=stale_running)
    return {"resent": len(resent), "given_up": given_up, "files_removed": removed}


def _sweep_files(*, older_than) -> int:
    """Temporary files left by a worker killed while writing, and orphans: PDFs that no job
    row names any more (the process that deleted the row died before its on-commit removal
    ran). Only files older than any render may last, so a file just written by a worker
    that has not recorded it yet is left alone."""
    files = private_storage()
    named = {PdfJob.name_for(*row) for row in
             PdfJob.objects.values_list("plan_id", "revision", "language")}
    candidates = files.temporary_files()
    try:
        folders = [f for f in files.listdir("pdf")[0] if f.startswith("plan-")]
    except FileNotFoundError:  # nothing rendered yet on this file system
        folders = []
    for folder in folders:
        names = [f"pdf/{folder}/{name}" for name in files.listdir(f"pdf/{folder}")[1]]
        candidates += [name for name in names if name.endswith(".pdf") and name not in named]
    removed = 0
    for name in candidates:
        try:
            if files.get_modified_time(name) < older_than:
                files.delete(name)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
