"""Where a request to /ping spends its time in Django and our middleware, in-process.

    .venv/bin/python bench/profile_ping.py     (with a bench database in DATABASE_URL)

It calls the WSGI application directly, as gunicorn does (no network, no server), with a
stopwatch between every two middleware: the time of each layer on the way in and out,
without the layers inside it, anonymous and logged in; then a cProfile of the logged-in
request (the functions with the most time of their own). Figures of one process on a
shared machine: compare them with each other, not with another run.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from common import setup_django

ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "7"))
REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "400"))


def _environ(cookie: str) -> dict:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/ping", "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
               "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
               "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
               "wsgi.multiprocess": True, "wsgi.run_once": False}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def _call(application, cookie: str) -> None:
    status = []
    body = application(_environ(cookie), lambda s, headers, exc_info=None: status.append(s))
    b"".join(body)
    body.close()
    assert status[0].startswith("200"), status


def _per_request(application, cookie: str) -> float:
    """Median over ROUNDS of the mean time of REQUESTS calls, in microseconds."""
    for _ in range(50):
        _call(application, cookie)
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            _call(application, cookie)
        rounds.append((time.perf_counter() - started) / REQUESTS * 1e6)
    return statistics.median(rounds)


STAMPS: dict[str, list[float]] = {"in": [], "out": []}


def _marker(index: int):
    """A middleware that notes when a request passes it, on the way in and on the way out."""
    class Marker:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            STAMPS["in"][index] = time.perf_counter()
            response = self.get_response(request)
            STAMPS["out"][index] = time.perf_counter()
            return response
    Marker.__name__ = f"Marker{index}"
    setattr(sys.modules[__name__], Marker.__name__, Marker)
    return f"{__name__}.Marker{index}"


def layers(application_factory, names: list[str], cookie: str) -> dict[str, float]:
    """Mean microseconds per request spent in each layer (its own code only)."""
    count = len(names) + 1
    totals = dict.fromkeys([*names, "URL resolution and the view", "WSGI handler, outside "
                            "the middleware"], 0.0)
    application = application_factory()
    STAMPS["in"], STAMPS["out"] = [0.0] * count, [0.0] * count
    for _ in range(50):
        _call(application, cookie)
    for _ in range(ROUNDS * REQUESTS):
        STAMPS["in"], STAMPS["out"] = [0.0] * count, [0.0] * count
        started = time.perf_counter()
        _call(application, cookie)
        ended = time.perf_counter()
        stamps_in, stamps_out = STAMPS["in"], STAMPS["out"]
        for k, name in enumerate(names):
            totals[name] += ((stamps_in[k + 1] - stamps_in[k])
                             + (stamps_out[k] - stamps_out[k + 1]))
        totals["URL resolution and the view"] += stamps_out[-1] - stamps_in[-1]
        totals["WSGI handler, outside the middleware"] += (
            (ended - started) - (stamps_out[0] - stamps_in[0]))
    return {name: total / (ROUNDS * REQUESTS) * 1e6 for name, total in totals.items()}


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils.module_loading import import_string

    from clusterdiag.models import User

    user, _created = User.objects.get_or_create(email="profile-ping@example.org")
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    cookies = {"anonymous": "", "logged in": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"}

    full = list(settings.MIDDLEWARE)
    base = {who: _per_request(WSGIHandler(), cookie) for who, cookie in cookies.items()}
    print(f"/ping in-process, median of {ROUNDS} rounds of {REQUESTS} requests (us/request)")
    for who, us in base.items():
        print(f"  {who:<10} {us:8.0f}")
    settings.MIDDLEWARE = [m for k, name in enumerate(full)
                           for m in (_marker(k), name)] + [_marker(len(full))]
    try:
        timed = {who: layers(WSGIHandler, full, cookie) for who, cookie in cookies.items()}
    finally:
        settings.MIDDLEWARE = full
    print("Own time of each layer (us/request, mean; stopwatches between the layers add a "
          "little to each)")
    print(f"  {'':<58} {'anonymous':>10} {'logged in':>10}")
    for name in timed["anonymous"]:
        print(f"  {name:<58} {timed['anonymous'][name]:10.1f} {timed['logged in'][name]:10.1f}")
    application = WSGIHandler()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(REQUESTS):
        _call(application, cookies["logged in"])
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    print("cProfile of the logged-in /ping, by own time:")
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main()
