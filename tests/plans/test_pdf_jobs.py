"""The PDF jobs under failure: broker stopped or hung (the job row is the outbox and the
sweeper sends it again), worker killed mid-render (no half-written file, exactly one file,
the job completes once), and the real worker doing the whole job."""

import datetime
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from clusterdiag.celery import app as celery_app
from plans.models import ActionPlan, PdfJob
from plans.pdf import services, tasks
from tests.factories import plan_for

from .pdf_support import (
    add_actions,
    pdf_images,
    pdf_pages,
    pdf_text,
    warm_browser,  # noqa: F401 - used through usefixtures
)

# Charts come from one warm Chromium for the session, as in a worker process.
pytestmark = [pytest.mark.usefixtures("warm_browser")]
Status = PdfJob.Status
LATER = datetime.timedelta(seconds=django_settings.PDF_SWEEP_SECONDS + 1)


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def broker_at(monkeypatch):
    """Point this process's Celery at another broker address, and back afterwards."""
    original = celery_app.conf.broker_url

    def point(url: str, *, eager: bool = False) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own setting.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = eager
        celery_app._after_fork()  # forget pooled connections to the previous address

    yield point
    monkeypatch.undo()
    celery_app.conf.broker_url = original
    celery_app._after_fork()


@pytest.fixture
def hung_broker():
    """A listener that accepts connections and never answers, like a SIGSTOPped Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept())
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for conn, _address in held:
        conn.close()


def _post_timed(client, plan, capture=None):
    url = reverse("plans:pdf_request", args=[plan.pk])
    started = time.monotonic()
    if capture is None:
        response = client.post(url, follow=True)
    else:
        with capture(execute=True):
            response = client.post(url)
        response = client.get(response["Location"])
    return response, time.monotonic() - started


# --- Broker down or hung: answer fast, lose nothing ----------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["stopped", "hung"])
def test_broker_down_answers_within_two_seconds_and_the_sweep_does_the_job_later(
        client, team, private_root, broker_at, hung_broker, kind,
        django_capture_on_commit_callbacks):
    plan = plan_for(team)
    client.force_login(team.manager)
    broker_at("redis://127.0.0.1:1/0" if kind == "stopped" else hung_broker)

    response, elapsed = _post_timed(client, plan, django_capture_on_commit_callbacks)

    assert elapsed < 2, elapsed
    assert response.status_code == 200
    assert "The PDF is being prepared" in response.content.decode()
    job = PdfJob.objects.get()
    assert job.status == Status.QUEUED

    # The broker is back (here: tasks run inline); the next sweep sends the job again.
    broker_at(celery_app.conf.broker_url, eager=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_jobs_sweep(now=timezone.now() + LATER)["resent"] == 1
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert services.file_path(job).read_bytes().startswith(b"%PDF")


# --- The sweeper ----------------------------------------------------------------------------------

@pytest.fixture
def queued_job(team, private_root):
    plan = plan_for(team)
    return PdfJob.objects.create(plan=plan, revision=plan.revision, language="en",
                                 sent_at=timezone.now())


@pytest.mark.django_db
def test_the_sweep_leaves_fresh_jobs_alone(queued_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as sent:
        result = services.pdf_jobs_sweep()

    assert result["resent"] == 0 and sent == []
    queued_job.refresh_from_db()
    assert queued_job.status == Status.QUEUED


@pytest.mark.django_db
def test_the_sweep_hands_a_job_with_a_silent_worker_to_another(
        queued_job, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(
        seconds=django_settings.PDF_RUNNING_TIMEOUT_SECONDS + 5)
    PdfJob.objects.filter(pk=queued_job.pk).update(
        status=Status.RUNNING, task_id="dead-task", started_at=long_ago, sent_at=long_ago,
        attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_jobs_sweep()["resent"] == 1

    queued_job.refresh_from_db()
    assert queued_job.status == Status.DONE and queued_job.attempts == 2


@pytest.mark.django_db
def test_a_running_job_is_not_taken_from_a_live_worker(queued_job):
    PdfJob.objects.filter(pk=queued_job.pk).update(
        status=Status.RUNNING, task_id="live-task", started_at=timezone.now())

    assert services.pdf_job_run(job_id=queued_job.pk, task_id="another-task") == "skipped"
    # ...but the same task, delivered again after its worker died, takes it back
    assert services.pdf_job_run(job_id=queued_job.pk, task_id="live-task") == Status.DONE


@pytest.mark.django_db
def test_a_finished_job_is_never_rendered_again(queued_job):
    assert services.pdf_job_run(job_id=queued_job.pk, task_id="a") == Status.DONE
    path = services.file_path(PdfJob.objects.get())
    stamp = path.stat().st_mtime_ns

    assert services.pdf_job_run(job_id=queued_job.pk, task_id="b") == "skipped"
    assert path.stat().st_mtime_ns == stamp
    assert PdfJob.objects.get().attempts == 1


@pytest.mark.django_db
def test_a_version_the_plan_has_moved_past_is_not_rendered(queued_job, monkeypatch):
    """Under load the queue holds jobs of versions edited since they were asked for:
    nobody can download those any more, so the worker drops them without a render."""
    renders = []
    monkeypatch.setattr(services.render, "plan_pdf", lambda **kwargs: renders.append(kwargs))
    ActionPlan.objects.filter(pk=queued_job.plan_id).update(revision=F("revision") + 1)

    assert services.pdf_job_run(job_id=queued_job.pk, task_id="a") == "superseded"
    assert renders == []
    assert not PdfJob.objects.exists()


@pytest.mark.django_db
def test_the_sweep_gives_up_on_a_job_that_keeps_failing(queued_job):
    PdfJob.objects.filter(pk=queued_job.pk).update(
        sent_at=timezone.now() - LATER, attempts=services.MAX_ATTEMPTS)

    assert services.pdf_jobs_sweep()["given_up"] == 1
    assert PdfJob.objects.get().status == Status.FAILED


@pytest.mark.django_db
def test_a_render_error_marks_the_job_failed_and_a_new_request_retries(
        team, private_root, monkeypatch, client, django_capture_on_commit_callbacks):
    plan = plan_for(team)
    client.force_login(team.manager)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.render, "plan_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[plan.pk]))
    assert PdfJob.objects.get().status == Status.FAILED
    status = client.get(reverse("plans:pdf_status", args=[plan.pk]))
    assert "could not be made" in status.content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[plan.pk]))
    assert PdfJob.objects.get().status == Status.DONE


@pytest.mark.django_db
def test_a_render_that_loses_the_database_is_sent_again_not_failed(queued_job, monkeypatch):
    """PostgreSQL restarting under a render: the job is done by the task's retry, not left
    "running" until the sweeper's timeout, nor marked failed."""
    real, calls = services.render.plan_pdf, []

    def database_gone_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services.render, "plan_pdf", database_gone_once)

    # throw=False: as a worker does, the retry is not raised to the caller.
    tasks.render_plan_pdf.apply(kwargs={"job_id": queued_job.pk}, task_id="once", throw=False)

    job = PdfJob.objects.get()
    assert (job.status, job.attempts, len(calls)) == (Status.DONE, 2, 2)


@pytest.mark.django_db
def test_the_sweep_removes_old_temporary_files(private_root):
    tmp = Path(private_root) / "tmp"
    tmp.mkdir(parents=True)
    old, fresh = tmp / "old.part", tmp / "fresh.part"
    old.write_bytes(b"%PDF half")
    fresh.write_bytes(b"%PDF half")
    os.utime(old, (0, 0))

    assert services.pdf_jobs_sweep()["files_removed"] == 1
    assert not old.exists() and fresh.exists()


def test_beat_runs_the_sweeper_and_the_task_is_registered():
    entry = django_settings.CELERY_BEAT_SCHEDULE["pdf-jobs-sweep"]
    assert entry["task"] == tasks.sweep_pdf_jobs.name
    assert entry["schedule"] == django_settings.PDF_SWEEP_SECONDS
    assert "plans.pdf.tasks" in django_settings.CELERY_IMPORTS
    assert tasks.render_plan_pdf.acks_late and tasks.render_plan_pdf.reject_on_worker_lost


# --- Through the real worker ----------------------------------------------------------------------

def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _job_in(status):
    return lambda: PdfJob.objects.filter(status=status).first()


def _pool_children(worker) -> list[int]:
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in path.read_text().split()]


def _plan_files(job) -> list[Path]:
    folder = Path(django_settings.PRIVATE_FILES_ROOT) / "pdf" / f"plan-{job.plan_id}"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def worker_files():
    """The worker writes under the configured PRIVATE_FILES_ROOT; clean what tests made."""
    made = []
    yield made
    for job in made:
        for path in _plan_files(job):
            path.unlink(missing_ok=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_renders_and_stores_the_pdf(
        celery_worker, reference_data, team, client, worker_files):
    plan = plan_for(team)
    client.force_login(team.manager)

    client.post(reverse("plans:pdf_request", args=[plan.pk]))

    job = _wait_for(_job_in(Status.DONE), 120, "the worker to finish the PDF")
    worker_files.append(job)
    polled = client.get(reverse("plans:pdf_status", args=[plan.pk]),
                        {"format": "json"}).json()
    assert polled["ready"] is True
    content = b"".join(client.get(polled["download_url"]).streaming_content)
    assert pdf_pages(content) == job.pages
    assert len(pdf_images(content)) >= 2  # charts exported by the worker's warm Chromium
    assert team.cluster.name in pdf_text(content)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_job_waits_and_is_done_when_it_is_back(
        celery_worker, reference_data, team, client, broker_at, worker_files):
    plan = plan_for(team)
    client.force_login(team.manager)
    real_broker = celery_app.conf.broker_url
    broker_at("redis://127.0.0.1:1/0")

    response, elapsed = _post_timed(client, plan)

    assert elapsed < 2, elapsed
    assert "The PDF is being prepared" in response.content.decode()
    assert PdfJob.objects.get().status == Status.QUEUED

    broker_at(real_broker)
    assert services.pdf_jobs_sweep(now=timezone.now() + LATER)["resent"] == 1
    job = _wait_for(_job_in(Status.DONE), 120, "the worker to finish the PDF")
    worker_files.append(job)
    assert services.file_path(job).read_bytes().startswith(b"%PDF")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leaves_no_partial_file_and_the_job_completes_once(
        celery_worker, reference_data, team, client, worker_files):
    plan = plan_for(team)
    add_actions(plan, 250)  # long enough a render to be killed in the middle
    client.force_login(team.manager)

    client.post(reverse("plans:pdf_request", args=[plan.pk]))
    running = _wait_for(_job_in(Status.RUNNING), 60, "the worker to start rendering")
    worker_files.append(running)
    for pid in _pool_children(celery_worker):
        os.kill(pid, signal.SIGKILL)
    assert not [p for p in _plan_files(running) if p.suffix == ".pdf"]

    # The message goes back to the broker; a new pool process takes the same task again.
    job = _wait_for(_job_in(Status.DONE), 180, "the job to complete after the kill")
    assert job.attempts == 2
    files = _plan_files(job)
    assert [p.name for p in files] == [f"r{job.revision}-{job.language}.pdf"]
    assert pdf_pages(files[0].read_bytes()) == job.pages
    assert "Extra action 250" in pdf_text(files[0].read_bytes())
    time.sleep(2)  # nothing renders it a second time
    assert PdfJob.objects.get().attempts == 2


@pytest.mark.django_db
def test_an_older_version_finishing_last_does_not_come_back(
        queued_job, monkeypatch, django_capture_on_commit_callbacks):
    newer = PdfJob.objects.create(plan=queued_job.plan, revision=queued_job.revision + 1,
                                  language="en")
    older_claimed = services._claim(job_id=queued_job.pk, task_id="old")  # rendering...
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_job_run(job_id=newer.pk, task_id="new") == Status.DONE
    # ...and the older render finishes after the newer one: its row and file are dropped
    monkeypatch.setattr(services, "_claim", lambda **kwargs: older_claimed)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pdf_job_run(job_id=queued_job.pk, task_id="old") == "dropped"

    assert list(PdfJob.objects.values_list("revision", flat=True)) == [newer.revision]
    folder = Path(django_settings.PRIVATE_FILES_ROOT) / "pdf" / f"plan-{newer.plan_id}"
    assert [p.name for p in folder.iterdir()] == [f"r{newer.revision}-en.pdf"]


@pytest.mark.django_db
def test_deleting_a_plan_deletes_its_pdf_files(queued_job, django_capture_on_commit_callbacks):
    assert services.pdf_job_run(job_id=queued_job.pk, task_id="a") == Status.DONE
    path = services.file_path(PdfJob.objects.get())
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        queued_job.plan.delete()

    assert not path.exists()
