"""A double click, ten times over: ten simultaneous submissions of one diagnostic, then ten
simultaneous "make the draft plan" posts, against a real server on SQLite (the embedded
default of scripts/run) and on PostgreSQL. No answer is a server error, and there is
exactly one submitted run and one plan.

The server is a real `manage.py runserver --noreload` subprocess (threaded, like
scripts/run) on a database of its own: a SQLite file in tmp_path, or a throwaway PostgreSQL
database. pytest-django's live_server cannot do it: its SQLite test database is in memory
and its PostgreSQL one lives inside the test's transaction.
"""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.factories import PASSWORD

from .servers import (
    ROOT,
    create_database,
    database_url,
    drop_database,
    free_port,
    manage,
    postgres_admin_url,
)

CLICKS = 10

# Run with `manage.py shell -c` on the server's database: a team whose diagnostic is fully
# answered but not yet submitted.
SEED = f"""
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, UserFactory, answer_everything
from diagnostic import services
manager = UserFactory(email="racer@example.org", password={PASSWORD!r})
cluster = services.cluster_create(
    user=manager, **{{f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}})
diagnostic = cluster.diagnostics.get()
answer_everything(diagnostic, manager)
print(diagnostic.pk)
"""

COUNTS = """
import json
from diagnostic.models import Diagnostic
from plans.models import ActionPlan
print(json.dumps({
    "submitted": Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED).count(),
    "plans": ActionPlan.objects.count(),
}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def served_database(request, tmp_path):
    """The server's database, migrated: a new SQLite file, or a copy of the PostgreSQL
    database migrated once for the test process (conftest.py)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        manage(_env(url, tmp_path), "migrate", "--noinput", "-v0")
        yield url
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("needs PostgreSQL (scripts/test sets DATABASE_URL)")
    name = create_database(admin, "clusterdiag_race",
                           template=request.getfixturevalue("migrated_template"))
    yield database_url(admin, name)
    drop_database(admin, name)


def _env(url, tmp_path) -> dict:
    # DEBUG on, as in scripts/run: the pages need no collectstatic manifest.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": url,
            "DEBUG": "true", "SECRET_KEY": "tests-only-not-a-secret", "HTTPS": "false",
            # No broker: the statistics refresh after a submission runs inline, as in
            # scripts/run.
            "CELERY_BROKER_URL": "", "PRIVATE_FILES_ROOT": str(tmp_path / "private"),
            "LOG_LEVEL": "WARNING"}


@pytest.fixture
def server(served_database, tmp_path):
    """A migrated, seeded database served by runserver: its base URL, its environment, the
    diagnostic's id and the server's log."""
    env = _env(served_database, tmp_path)
    diagnostic = int(manage(env, "shell", "--no-imports", "-c", SEED).split()[-1])
    port = free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/ping", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"runserver did not start: {(tmp_path / 'server.log').read_text()}")
        time.sleep(0.1)
    yield base, env, diagnostic, tmp_path / "server.log"
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _logged_in(base) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(f"{base}/accounts/login/", timeout=10, allow_redirects=False, data={
        "username": "racer@example.org", "password": PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert response.status_code == 302, response.text[:2000]
    session.get(f"{base}/", timeout=10)  # the CSRF token rotated at login
    return session


def _clicks(session, url, data) -> list[int]:
    """CLICKS posts of `data` to `url` released at the same instant by a barrier, each on a
    connection of its own with the same session cookie: the status codes."""
    barrier = threading.Barrier(CLICKS)
    statuses = [None] * CLICKS
    cookies = session.cookies.get_dict()
    data = {**data, "csrfmiddlewaretoken": cookies["csrftoken"]}

    def click(i):
        with requests.Session() as own:
            own.cookies.update(cookies)
            barrier.wait()
            try:
                statuses[i] = own.post(url, data=data, timeout=60,
                                       allow_redirects=False).status_code
            except requests.RequestException as error:
                statuses[i] = repr(error)

    threads = [threading.Thread(target=click, args=(i,)) for i in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_ten_simultaneous_submissions_and_plan_creations(server):
    base, env, diagnostic, log = server
    session = _logged_in(base)

    submits = _clicks(session, f"{base}/diagnostics/{diagnostic}/submit/",
                      {"benchmark_consent": "on"})
    plans = _clicks(session, f"{base}/diagnostics/{diagnostic}/plan/",
                    {"start_date": "2027-01-01"})
    counts = json.loads(manage(env, "shell", "--no-imports", "-c", COUNTS))

    # Every click gets what a single click gets: the redirect to the results, to the plan.
    errors = [line for line in log.read_text().splitlines() if "Error:" in line]
    assert submits == plans == [302] * CLICKS, (
        f"submits {submits}, plans {plans}; server log: {errors[-2:]}")
    assert counts == {"submitted": 1, "plans": 1}
