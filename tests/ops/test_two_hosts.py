"""Two web hosts and a worker host behind a load balancer, as docker-compose.yml scales
them: two gunicorn processes and a Celery worker, each with a private directory of its own
(as separate machines would have), against one PostgreSQL and one Redis. A user's requests
land on either web host with the same session cookie.

- A PDF asked for through host A is rendered by the worker and downloaded through host B:
  generated files are in storage every host shares (PRIVATE_FILES_STORAGE=database).
- A results page shown by host B (and kept in B's cache) is fresh on B once a change made
  through host A has been processed: the cache keys carry the score's and the statistics'
  timestamps, read from the shared database on every request.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings

from clusterdiag.celery import app as celery_app
from tests.factories import PASSWORD

from . import servers
from .servers import ROOT, create_database, drop_database, free_port, manage, postgres_admin_url

# Run with `manage.py shell -c`, tasks inline: a submitted diagnostic counted among nine
# peers, its plan, and the peer statistics.
SEED = f"""
import datetime, json
from benchmark import services as benchmark_services
from benchmark.models import Cohort, PeerEntry
from diagnostic import services
from plans import services as plan_services
from tests.benchmark.test_statistics import seed_entries
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, UserFactory, answer_everything
manager = UserFactory(email="two-hosts@example.org", password={PASSWORD!r})
cluster = services.cluster_create(
    user=manager, **{{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}})
diagnostic = cluster.diagnostics.get()
answer_everything(diagnostic, manager)
services.diagnostic_submit(diagnostic=diagnostic, user=manager, benchmark_consent=True)
seed_entries(9, seed=5)
PeerEntry.objects.filter(cluster=cluster).update(sector="ict")
benchmark_services.statistics_refresh(cohort=Cohort.LIVE)
plan = plan_services.plan_generate(diagnostic=diagnostic, user=manager,
                                   start_date=datetime.date(2027, 1, 1))
print(json.dumps({{"diagnostic": diagnostic.pk, "plan": plan.pk}}))
"""


def _wait(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{log.read_text()[-4000:]}")
        time.sleep(0.5)


@pytest.fixture
def database_url(migrated_template):
    """A copy of the database migrated once for the test process (conftest.py), as the
    deployment's migration step would have left it."""
    admin = postgres_admin_url()
    if admin is None or not settings.CELERY_BROKER_URL:
        pytest.skip("needs PostgreSQL and Redis (scripts/test sets both)")
    name = create_database(admin, "clusterdiag_hosts", template=migrated_template)
    yield servers.database_url(admin, name)
    drop_database(admin, name)


@pytest.fixture
def hosts(database_url, tmp_path):
    """Host A, host B (gunicorn) and a worker host: their base URLs,
    the seeded ids and the shared log."""
    queue = f"two-hosts-{uuid.uuid4().hex[:8]}"
    # DEBUG on, as in test_concurrent_writes.py: the pages need no collectstatic manifest
    # (compressing every static file takes minutes on a busy machine).
    common = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url,
              "DEBUG": "true", "SECRET_KEY": "tests-only-not-a-secret-0123456789abcdef",
              "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING",
              "STATIC_ROOT": str(tmp_path / "static"), "PRIVATE_FILES_STORAGE": "database",
              "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "CELERY_QUEUE": queue,
              "PEER_MIN_GROUP": "5"}
    seeded = manage({**common, "CELERY_BROKER_URL": ""}, "shell", "--no-imports", "-c", SEED)
    ids = {k: int(v) for k, v in re.findall(r'"(\w+)": (\d+)', seeded.splitlines()[-1])}
    log_path = tmp_path / "hosts.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    processes, bases = [], []
    try:
        for name in ("a", "b", "worker"):
            env = {**common, "PRIVATE_FILES_ROOT": str(tmp_path / f"private-{name}")}
            if name == "worker":
                command = ["-m", "celery", "-A", "clusterdiag", "worker", "--concurrency=1",
                           "--without-mingle", "--without-gossip", "--loglevel=WARNING"]
            else:
                port = free_port()
                bases.append(f"http://127.0.0.1:{port}")
                command = ["-m", "gunicorn", "clusterdiag.wsgi:application", "--bind",
                           f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"]
            processes.append(subprocess.Popen(  # noqa: S603 - our own command line
                [sys.executable, *command], cwd=ROOT, env=env, stdout=log,
                stderr=subprocess.STDOUT))

        def up(base):
            try:
                return requests.get(f"{base}/ping", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or still starting
                return False
        for base in bases:
            _wait(lambda base=base: up(base), 90, f"gunicorn on {base}", log_path)
        yield bases[0], bases[1], ids, log_path
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        _purge(queue)


def _purge(queue: str) -> None:
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)


def _log_in(base) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(f"{base}/accounts/login/", timeout=10, allow_redirects=False, data={
        "username": "two-hosts@example.org", "password": PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert response.status_code == 302, response.text[:2000]
    session.get(f"{base}/", timeout=10)  # the CSRF token rotated at login
    return session


def _post(session, url, **data):
    return session.post(url, timeout=10, allow_redirects=False,
                        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], **data})


def test_a_pdf_asked_for_on_one_host_is_downloaded_from_the_other(hosts):
    a, b, ids, log = hosts
    session = _log_in(a)  # one browser: the balancer sends its requests to either host

    assert _post(session, f"{a}/plans/{ids['plan']}/pdf/request/").status_code == 302
    _wait(lambda: session.get(f"{b}/plans/{ids['plan']}/pdf/?format=json",
                              timeout=10).json()["ready"], 180, "the PDF to be ready", log)
    download = session.get(f"{b}/plans/{ids['plan']}/pdf/download/", timeout=10)

    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_a_results_page_changed_through_one_host_is_fresh_on_the_other(hosts):
    a, b, ids, log = hosts
    session = _log_in(a)
    results = f"{b}/diagnostics/{ids['diagnostic']}/results/"
    before = session.get(results, timeout=10)
    assert before.status_code == 200 and "n = 10" in before.text
    assert "n = 10" in session.get(results, timeout=10).text  # B now serves it from its cache

    # Leave the peer benchmark through host A; the worker refreshes the statistics.
    response = _post(session, f"{a}/diagnostics/{ids['diagnostic']}/benchmark-consent/")
    assert response.status_code == 302

    after = _wait(lambda: (page := session.get(results, timeout=10)).status_code == 200
                  and "n = 10" not in page.text and page, 120,
                  "host B to show the refreshed statistics", log)
    assert 'data-testid="overall-score"' in after.text
