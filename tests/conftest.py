import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery import current_app
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.utils import translation

from clusterdiag import breaker, sessioncache
from clusterdiag.celery import app as celery_app

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
# CI runs the suite in two processes (scripts/test -n 2). pytest-django gives each its own
# test database; each also gets its own Celery queue and worker name (the broker is
# shared) and its own private files, a new folder for every run (plan ids repeat across
# databases and runs), so that one process's worker never takes the other's jobs and no
# PDF file is seen by two tests.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_QUEUE = f"tests-{XDIST_WORKER}"
PRIVATE_FILES = Path(tempfile.mkdtemp(prefix=f"clusterdiag-private-{XDIST_WORKER}-"))
celery_app.conf.task_default_queue = TEST_QUEUE


def pytest_sessionfinish(session):
    shutil.rmtree(PRIVATE_FILES, ignore_errors=True)  # the worker has stopped by now


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PRIVATE_FILES_ROOT = PRIVATE_FILES  # where the real worker writes too
    # Templates call {% static %}; the hashed manifest is checked by its own test.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Only tests marked "worker" send tasks to the real broker; the rest run them inline.
    celery_app.conf.task_always_eager = "worker" not in request.keywords
    cache.clear()
    caches["sessions"].clear()
    caches["ratelimit"].clear()
    caches["pages"].clear()
    sessioncache.reset()
    breaker.reset()
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    # The test client runs the locale middleware in this thread: a page read in French or
    # German would leave that language active for the next test.
    translation.deactivate()
    # A Celery app made by a test becomes the process's current app unless told otherwise,
    # and every shared task (task.delay) of the later tests then goes through it: not
    # eager, to a queue that no test worker reads. It only showed in two processes, where a
    # test without a database can run before the worker and browser tests.
    leaked = current_app._get_current_object()
    if leaked is not celery_app:
        celery_app.set_current()
        pytest.fail(f"this test left the Celery app {leaked.main!r} current "
                    "(make it with set_as_current=False)")


@pytest.fixture
def user(db):
    return UserFactory()


def _test_database_url() -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on the Redis broker and the test database."""
    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.skip("needs CELERY_BROKER_URL and PostgreSQL (scripts/test sets both)")
    celery_app.control.purge()
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "CELERY_QUEUE": TEST_QUEUE,
           "PRIVATE_FILES_ROOT": str(PRIVATE_FILES)}
    hostname = f"{TEST_QUEUE}@tests"
    (ROOT / ".run").mkdir(exist_ok=True)
    log_path = ROOT / ".run" / f"test-worker-{XDIST_WORKER}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "celery", "-A", "clusterdiag", "worker", "--pool=prefork",
         "--concurrency=1", "--without-mingle", "--without-gossip", "--loglevel=INFO",
         "-n", hostname],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    # Only this process's worker: the other process's one answers a broadcast too.
    while not celery_app.control.ping(destination=[hostname], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the Celery worker did not start; see {log.name}")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
    log.close()


@pytest.fixture
def team(db):
    """A cluster with its manager, a team member and a draft diagnostic."""
    from diagnostic import services

    from .factories import ClusterFactory

    manager = UserFactory(email="manager@example.org")
    member = UserFactory(email="member@example.org")
    cluster = services.cluster_create(
        user=manager, **{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS})
    services.invitation_accept(
        invitation=cluster.invitations.create(email=member.email), user=member)
    return SimpleNamespace(cluster=cluster, manager=manager, member=member,
                           diagnostic=cluster.diagnostics.get())


PROFILE_FIELDS = ["name", "country", "region", "sector", "governance", "companies", "smes",
                  "research_institutes", "universities", "other_members", "jobs", "year_founded",
                  "management_fte"]


DATA_MIGRATIONS = [
    ("clusterdiag.migrations.0002_facilitators_group", "create_group"),
    ("diagnostic.migrations.0002_questionnaire_v1", "load_v1"),
    ("diagnostic.migrations.0003_facilitator_permissions", "grant"),
    ("diagnostic.migrations.0009_questionnaire_v2", "load_v2"),
    ("diagnostic.migrations.0005_playbook_v1", "grant"),
    ("plans.migrations.0002_playbook_v1", "load_v1"),
    ("plans.migrations.0002_playbook_v1", "grant"),
    ("benchmark.migrations.0002_reference_study_2007", "load_study_2007"),
    ("benchmark.migrations.0003_scoring_method_2026_1", "load"),
    ("benchmark.migrations.0007_scoring_method_2026_2", "load"),
    ("partners.migrations.0002_facilitator_permissions", "grant"),
]


@pytest.fixture
def reference_data(transactional_db):
    """The rows data migrations create, for transactional tests. Their flush empties the
    tables, and serialized rollback cannot restore them once Playwright's event loop has
    given the test a connection of its own; the migrations' functions are idempotent."""
    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
