"""Where one autosave POST spends its time, in-process.

    .venv/bin/python bench/profile_autosave.py     (with a migrated database in DATABASE_URL)

It makes a manager's second run in draft (its answers copied from a submitted first run,
as in bench/results_django.py), then posts one text answer to its autosave by calling the
WSGI application directly, as gunicorn does (no network, no server), logged in and with a
CSRF token: the time per request, the SQL statements of one request, and a cProfile (the
functions with the most time, cumulative and their own). Figures of one process on a
shared machine: compare them with each other, not with another run.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from urllib.parse import urlencode

from common import setup_django

ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "7"))
REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "200"))
TOKEN = "p" * 32  # the CSRF cookie and header (any 32 allowed characters)


def _draft():
    """A manager's draft second run, its answers copied from the first; made once."""
    from clusterdiag.models import User
    from diagnostic import services
    from diagnostic.models import Diagnostic, Question, QuestionnaireVersion
    from tests.factories import UserFactory, valid_value

    user = User.objects.filter(email="profile-autosave@example.org").first()
    if user is None:
        user = UserFactory(email="profile-autosave@example.org")
        cluster = services.cluster_create(
            user=user, name="Profile target", country="FR", sector="ict",
            governance="bottom_up", companies=80, smes=60, research_institutes=4,
            universities=2, other_members=3, jobs=9000)
        first = cluster.diagnostics.get()
        version = QuestionnaireVersion.objects.current()
        questions = Question.objects.filter(section__version=version).prefetch_related(
            "options")
        services.answers_save(diagnostic=first, user=user, section_key="funding",
                              values={q: valid_value(q) for q in questions})
        services.diagnostic_submit(diagnostic=first, user=user, benchmark_consent=False)
        services.diagnostic_start(cluster=cluster, user=user)
    draft = Diagnostic.objects.get(cluster__memberships__user=user, status="draft")
    text = Question.objects.filter(section__version=draft.version_id, kind=Question.Kind.TEXT
                                   ).select_related("section").order_by(
        "section__position", "position").first()
    return user, draft, text


def _environ(path: str, body: bytes, cookie: str) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)), "HTTP_X_CSRFTOKEN": TOKEN,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_COOKIE": f"{cookie}; csrftoken={TOKEN}"}


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string

    user, draft, text = _draft()
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    path = f"/diagnostics/{draft.pk}/steps/{text.section.key}/autosave/"
    body = urlencode({"_questions": text.key, f"q_{text.key}": "Typed while profiling"}).encode()
    application = WSGIHandler()

    def call() -> None:
        status = []
        out = application(_environ(path, body, cookie),
                          lambda s, headers, exc_info=None: status.append(s))
        b"".join(out)
        out.close()
        assert status[0].startswith("200"), status

    for _ in range(50):
        call()
    with CaptureQueriesContext(connection) as context:
        call()
    print(f"Statements of one autosave ({len(context.captured_queries)}):")
    for query in context.captured_queries:
        print(f"  {query['time']:>6}s  {query['sql'][:150]}")
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            call()
        rounds.append((time.perf_counter() - started) / REQUESTS * 1e6)
    print(f"autosave in-process, median of {ROUNDS} rounds of {REQUESTS} requests: "
          f"{statistics.median(rounds):.0f} us/request (min {min(rounds):.0f}, "
          f"max {max(rounds):.0f})")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(REQUESTS):
        call()
    profile.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(
            int(os.environ.get("PROFILE_LINES", "40")))
        print(f"cProfile of the autosave, by {order} time:")
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main()
