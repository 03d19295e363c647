"""What the benchmark scripts share: where the project is, how a bench database is served
by gunicorn in production settings, a logged-in session for the driver, and wrk.

The scripts are run as files (python bench/pdf.py), so they import this module as
`common`; the scripts of bench/load/ put bench/ on sys.path for that. Nothing here imports Django
at module level: the driver side never sets Django up, only the commands run inside it do
(setup_django()).

    python bench/common.py session USER_ID... (run by login_cookie(), inside Django)
    python bench/common.py static-sources     (run by collectstatic(), inside Django)
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OUT = ROOT / "bench" / "out"  # what bench/report.py reads; not committed
TMP = Path(tempfile.gettempdir())
# The collected static files of every benchmark and drill: collected once while the
# sources stay the same (collectstatic() below).
STATIC = TMP / "clusterdiag-bench-static"
PG = os.environ.get("BENCH_PG", "postgres://clusterdiag:clusterdiag@127.0.0.1:5432")
SECRET = "bench-only-secret-not-used-anywhere-else-0123456789"
# Sessions and their users copied in a shared Redis, as the deployment does (README,
# SESSION_CACHE_URL): keys are prefixed and random, so another user of this Redis is safe.
SESSION_CACHE = os.environ.get("BENCH_SESSION_CACHE_URL", "redis://127.0.0.1:6379/12")


# --- The driver side --------------------------------------------------------------------

def run(args, env=None, **kwargs) -> subprocess.CompletedProcess:
    """A command from the project's root that must succeed: manage.py, psql, a script."""
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def database_recreate(database: str, *, template: str | None = None) -> None:
    """An empty database of that name, so that every run starts from the same state; or a
    copy of `template` (a migrated database: a copy costs a second, migrating half a
    minute)."""
    run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"])
    copy = f" TEMPLATE {template}" if template else ""
    run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {database}{copy}"])


# A database migrated once for the code as it is, which each benchmark's database copies.
MIGRATED = "clusterdiag_bench_migrated"
APPS = ["clusterdiag", "diagnostic", "benchmark", "plans", "partners", "api"]


def _code_digest() -> str:
    """A digest of what migrating reads: the apps' code and data files (the data
    migrations load the questionnaire, the playbook and the study from JSON)."""
    digest = hashlib.sha256()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".json", ".csv"}:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def migrated_database(database: str) -> None:
    """A migrated database of that name: a copy of MIGRATED, which is migrated again only
    when the code changed (its digest is the database's comment). Migrating takes 15 to
    20 s of CPU, CI's benchmarks did it three times in a row; a copy takes a second."""
    digest = _code_digest()
    stamp = run(["psql", f"{PG}/postgres", "-tAc",
                 f"SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                 f"WHERE datname = '{MIGRATED}'"], capture_output=True).stdout.strip()
    if stamp != digest:
        database_recreate(MIGRATED)  # no comment while it is half migrated
        run([PYTHON, "manage.py", "migrate", "-v0"], env=django_env(MIGRATED))
        run(["psql", f"{PG}/postgres", "-qc", f"COMMENT ON DATABASE {MIGRATED} IS '{digest}'"])
    database_recreate(database, template=MIGRATED)


def django_env(database: str, **extra) -> dict:
    """The environment of production settings on a bench database: what gunicorn, the
    Celery worker and the scripts' own Django commands run with. The caller's
    CELERY_BROKER_URL is dropped, so that nothing queues on a real broker unless given
    in `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="clusterdiag.settings", DEBUG="false", SECRET_KEY=SECRET,
               HTTPS="false", ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
               DATABASE_URL=f"{PG}/{database}", LOG_LEVEL="WARNING",
               SESSION_CACHE_URL=SESSION_CACHE,
               STATIC_ROOT=str(STATIC), **extra)
    return env


def gunicorn(app: str, port: int, *, env=None, workers: int = 2, options=(),
             **popen) -> subprocess.Popen:
    """gunicorn serving `app` on 127.0.0.1:`port` from the project's root, started and not
    waited for: the same server settings for every figure compared side by side. `options`
    are more gunicorn arguments; `popen` goes to Popen (stdout, stderr)."""
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), *options, "--log-level", "warning"], cwd=ROOT, env=env, **popen)


def celery_worker(env: dict, *, loglevel: str = "WARNING", concurrency: int = 1,
                  **popen) -> subprocess.Popen:
    """A Celery worker rendering `concurrency` jobs at a time (1 unless a drill says
    otherwise); no mingle or gossip, so that it starts at once. `popen` goes to Popen."""
    return subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "clusterdiag", "worker", f"--concurrency={concurrency}",
         "--without-mingle", "--without-gossip", f"--loglevel={loglevel}"], cwd=ROOT, env=env,
        **popen)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server or worker this script started: SIGTERM for a clean shutdown, SIGKILL
    when it has not ended within `timeout` seconds, so that no run leaves one behind."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def collectstatic(env: dict) -> None:
    """manage.py collectstatic into the STATIC_ROOT of `env`, unless that folder already
    holds the files of the same sources: hashing and compressing them all costs about half a
    minute of CPU, and CI runs the drills and two benchmarks in a row on one folder."""
    stamp = Path(env["STATIC_ROOT"]) / ".bench-sources"
    sources = run([PYTHON, __file__, "static-sources"], env=env,
                  capture_output=True).stdout.strip()
    if stamp.exists() and stamp.read_text() == sources:
        return
    stamp.unlink(missing_ok=True)  # no stamp while the folder is half written
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
    stamp.write_text(sources)


def login_cookie(user_id: int, env: dict) -> str:
    """The Cookie header value of a logged-in session of that user, made in the database
    of `env` by this module run as a command (so the driver needs no Django of its own)."""
    return login_cookies([user_id], env)[0]


def login_cookies(user_ids: list[int], env: dict) -> list[str]:
    """login_cookie() of each user, made by one run of the command."""
    if not user_ids:
        return []
    return run([PYTHON, __file__, "session", *map(str, user_ids)], env=env,
               capture_output=True).stdout.split()


def wrk(url: str, *, seconds: int, threads: int, cookie: str | None = None,
        script: str | None = None) -> float:
    """Requests per second on `url` with 8 connections for `seconds`, bounded in time. A
    single error response fails the run: a fast error page would flatter the figure.
    `script` is a wrk Lua script (a POST, with its own headers)."""
    args = ["wrk", f"-t{threads}", "-c8", f"-d{seconds}s", "--timeout", "5s", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    if script:
        args[1:1] = ["-s", script]
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         timeout=seconds + 30).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} responses were errors\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if rps == 0:
        raise SystemExit(f"{url}: no request answered within the run\n{out}")
    return rps


def save_out(name: str, data: dict) -> None:
    """bench/out/`name`, as indented JSON: what a benchmark measured, for bench/report.py."""
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_text(json.dumps(data, indent=2))


# --- Inside Django (the scripts re-run themselves with a command) -----------------------

def setup_django() -> None:
    """Django set up in a script run from bench/: the project's root is not on sys.path."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session(user_ids: list[int]) -> None:
    """Print the cookie of a new logged-in session of each user, one a line, as the login
    view would make it (the session hash included), so that wrk and http.client are let
    in."""
    setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore  # the record: in the database

    from clusterdiag.models import User

    for user_id in user_ids:
        user = User.objects.get(pk=user_id)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")


def static_sources() -> None:
    """Print a digest of what collectstatic would collect: every file the finders list
    (name, size, modification time) and the storage that hashes and compresses them."""
    setup_django()
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    lines = {settings.STORAGES["staticfiles"]["BACKEND"]}
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            lines.add(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    print(hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest())


if __name__ == "__main__":
    if sys.argv[1:] == ["static-sources"]:
        static_sources()
    elif sys.argv[1:2] != ["session"] or len(sys.argv) < 3:
        raise SystemExit(f"usage: {sys.argv[0]} session USER_ID... | static-sources")
    else:
        session([int(arg) for arg in sys.argv[2:]])
