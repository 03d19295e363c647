"""The drills' own stack: a throwaway PostgreSQL (initdb in a temporary directory), Redis,
gunicorn, a Celery worker under a supervisor that starts it again when it exits, and beat;
and a locust run of the journey with faults at given times. Used by bench/load/run.py."""

import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Imported by run.py, which puts bench/ (where the scripts' shared module is) on sys.path.
from common import OUT, PYTHON, ROOT, STATIC, celery_worker, collectstatic, gunicorn, run, stop

# The commands run inside Django (seeding, PDF jobs, the ledger), each in a process of its own.
INSIDE = str(Path(__file__).with_name("inside.py"))
# Below 32768: a port of the kernel's ephemeral range (32768-60999) can be held by any
# outgoing connection at that moment, and PostgreSQL then fails to bind (seen while
# the suite ran beside the drill: "could not bind IPv4 address: Address already in use").
PG_PORT, REDIS_PORT, WEB_PORT = 15432, 6391, 8711
# The drill's worker calls itself stuck sooner than the default (clusterdiag/liveness.py).
WORKER_STALL_SECONDS = 20
# A third of the journeys of the fault drills ask for a PDF: enough to send some while
# Redis is down or hung, few enough for one worker to catch up within a minute or two.
FAULT_PDF_SHARE = "0.35"
SWEEP_SECONDS = 10
# When a run's time is up, a user still in the middle of its journey (half a minute or more
# under load) goes on for this long at most, then stops: waiting up to 30 s for whole
# journeys cost CI about that much after each of the eight runs, outside any fault window.
STOP_SECONDS = 5

STARTED = time.monotonic()


def say(message):
    """A step of the drill, with the time since the start: CI's budget shows where it goes."""
    print(f"==> [{time.monotonic() - STARTED:4.0f} s] {message}", flush=True)


def _pg_bin(name: str) -> str:
    version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v.split(".")[0]))[-1]
    return f"/usr/lib/postgresql/{version}/bin/{name}"


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc: no procps needed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # pid (comm) state ppid ...: comm may hold spaces, so split after its ")".
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


class Stack:
    """PostgreSQL, Redis, gunicorn and a Celery worker, all of the drill's own."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="clusterdiag-load-"))
        self.pgdata = self.tmp / "pg"
        self.processes = {}
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE"))},
            "DJANGO_SETTINGS_MODULE": "clusterdiag.settings", "DEBUG": "false",
            "SECRET_KEY": "load-only-secret-not-used-anywhere-else-0123456789",
            "HTTPS": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/clusterdiag_load",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            # As deployed: sessions copied in the same Redis, which the faults stop and hang.
            "SESSION_CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
            "STATIC_ROOT": str(STATIC),
            "PRIVATE_FILES_ROOT": str(self.tmp / "private"),
            "PDF_SWEEP_SECONDS": str(SWEEP_SECONDS), "LOG_LEVEL": "WARNING",
            "AXES_FAILURE_LIMIT": "1000",
            "WORKER_STALL_SECONDS": str(WORKER_STALL_SECONDS),
        }
        # The worker's supervisor, as Compose's restart: or systemd's Restart= would be.
        self.worker_lock = threading.Lock()
        self.worker_exits: list[tuple[float, int]] = []
        self.supervising = threading.Event()
        self.worker_concurrency = 1

    # --- services -------------------------------------------------------------------------
    def pg_start(self):
        started = subprocess.run(_as_postgres([
            _pg_bin("pg_ctl"), "-D", str(self.pgdata), "-l", str(self.tmp / "pg.log"), "-w",
            "-o", f"-p {PG_PORT} -k {self.tmp} -c listen_addresses=127.0.0.1", "start"]),
            stdout=subprocess.DEVNULL)
        if started.returncode != 0:  # its log goes with the temporary folder: show it now
            log = (self.tmp / "pg.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"the drill's PostgreSQL did not start:\n{log}")

    def pg_restart(self):
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast",
                                     "-w", "restart"]), check=True, stdout=subprocess.DEVNULL)

    def redis_start(self):
        self.processes["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)], stdout=subprocess.DEVNULL)
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"],
                              capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise SystemExit("the drill's Redis did not start")

    def redis_stop(self):
        stop(self.processes.pop("redis"), timeout=10)

    def redis_signal(self, sig):
        os.kill(self.processes["redis"].pid, sig)

    def django(self, *args, capture=False):
        return run([PYTHON, *args], env=self.env, capture_output=capture)

    def start(self, *, accounts: int):
        for port in (PG_PORT, REDIS_PORT, WEB_PORT):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise SystemExit(f"port {port} is taken: is another drill running?")
        say(f"Starting the drill's own PostgreSQL (port {PG_PORT}) and Redis (port {REDIS_PORT})")
        self.pgdata.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
            shutil.chown(self.pgdata, "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(self.pgdata), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8"]),
                       check=True, stdout=subprocess.DEVNULL)
        self.pg_start()
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-qc",
                        "CREATE DATABASE clusterdiag_load"], check=True)
        self.redis_start()
        say("Migrating and seeding, collecting static files meanwhile")
        # Two cores, two single-threaded jobs: the static files (hashed and compressed, no
        # database) are collected while the database is migrated and seeded.
        with ThreadPoolExecutor(max_workers=1) as pool:
            collected = pool.submit(collectstatic, self.env)
            self.django("manage.py", "migrate", "-v0")
            seed = self.django(INSIDE, "seed", str(accounts),
                               capture=True).stdout
            collected.result()  # its failure fails the drill here
        (self.tmp / "seed.json").write_text(seed.strip().splitlines()[-1])
        say(f"Serving with gunicorn on 127.0.0.1:{WEB_PORT} and a Celery worker")
        log = open(self.tmp / "services.log", "w")  # noqa: SIM115 - closed in stop()
        self.processes["log"] = log
        self.processes["web"] = gunicorn(
            "clusterdiag.wsgi:application", WEB_PORT, env=self.env, workers=3,
            options=["--timeout", "30"], stdout=log, stderr=subprocess.STDOUT)
        self.worker_start()
        # Beat in a process of its own: the worker's only child is then the one rendering.
        self.processes["beat"] = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "clusterdiag", "beat", "--loglevel=INFO",
             f"--schedule={self.tmp / 'beat-schedule'}"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/ping", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer")

    def worker_start(self):
        self.processes["worker"] = celery_worker(
            self.env, loglevel="INFO", concurrency=self.worker_concurrency,
            stdout=self.processes["log"], stderr=subprocess.STDOUT)
        if not self.supervising.is_set():
            self.supervising.set()
            threading.Thread(target=self._supervise, daemon=True).start()

    def _supervise(self):
        """Start the worker again whenever it exits, as its supervisor in production does
        (Compose restart:, systemd Restart=): a worker that finds itself stuck exits."""
        while self.supervising.is_set():
            with self.worker_lock:
                worker = self.processes.get("worker")
                if worker is not None and worker.poll() is not None and self.supervising.is_set():
                    self.worker_exits.append((time.time(), worker.returncode))
                    say(f"supervisor: the worker exited with code {worker.returncode}; "
                        "starting a new one")
                    self._reap(worker)
                    self.worker_start()
            time.sleep(0.5)

    @staticmethod
    def _reap(worker):
        for pid in _descendants(worker.pid):  # what a killed worker would leave behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def worker_restart(self):
        """A worker started afresh on purpose (before the kill drill), not a recovery."""
        with self.worker_lock:
            worker = self.processes.pop("worker")
            family = _descendants(worker.pid)
            stop(worker, timeout=60)
            for pid in family:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.worker_start()

    def stop(self):
        self.supervising.clear()
        with self.worker_lock:
            pass  # the supervisor has seen the flag: it starts no new worker
        for name in ("web", "worker", "beat", "redis"):
            process = self.processes.get(name)
            if process is None:
                continue
            if name == "redis":
                os.kill(process.pid, signal.SIGCONT)
            stop(process)
        if "log" in self.processes:
            self.processes["log"].close()
            # Kept for a look after a failed drill (bench/out/ is not committed).
            OUT.mkdir(exist_ok=True)
            shutil.copy(self.tmp / "services.log", OUT / "drill-services.log")
        if (self.pgdata / "postmaster.pid").exists():
            subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-m",
                                         "immediate", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- a locust run, with faults at given times -------------------------------------------
    def locust(self, name: str, seconds: int, *, users: int, faults=()) -> dict:
        prefix = self.tmp / name
        env = {**self.env, "LOAD_SEED": str(self.tmp / "seed.json"),
               "LOAD_RECORDS": f"{prefix}-records.json",
               "LOAD_PDF_SHARE": FAULT_PDF_SHARE if faults else "1"}
        say(f"{name}: {users} users for {seconds} s")
        started = time.time()
        process = subprocess.Popen(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "journey.py"),
             "--headless", "-u", str(users), "-r", "5", "--run-time", f"{seconds}s",
             "--host", f"http://127.0.0.1:{WEB_PORT}", "--csv", str(prefix), "--only-summary",
             "--stop-timeout", str(STOP_SECONDS), "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        windows = []
        for at, label, action, until, undo in faults:
            time.sleep(max(0, started + at - time.time()))
            say(f"{name}: {label}")
            begin = time.time()
            action()
            time.sleep(max(0, started + until - time.time()))
            undo()
            windows.append((begin, time.time()))
            say(f"{name}: {label}: over after {time.time() - begin:.1f} s")
        output, _ = process.communicate(timeout=seconds + 120)
        say(f"{name}: over after {time.time() - started:.0f} s")
        records = json.loads(Path(f"{prefix}-records.json").read_text())
        with open(f"{prefix}_stats.csv") as stats:
            rows = {row["Name"]: row for row in csv.DictReader(stats)}
        total = rows["Aggregated"]
        return {"name": name, "seconds": time.time() - started, "output": output,
                "rows": rows, "requests": int(total["Request Count"]),
                "failures": int(total["Failure Count"]), "rps": float(total["Requests/s"]),
                "max_ms": float(total["Max Response Time"]), "windows": windows, **records}

    def pdf_jobs(self) -> dict:
        """How many PDF jobs are in each status. Through psql: a Python process starting
        Django for each look took a second of the CPU the worker renders with."""
        rows = self.sql("SELECT status, count(*) FROM diagnostic_pdfjob GROUP BY status")
        return {status: int(n) for status, n in
                (line.split("|") for line in rows.splitlines() if line)}

    def wait_for_pdfs(self, seconds: int) -> dict:
        deadline = time.time() + seconds
        while True:
            jobs = self.pdf_jobs()
            if set(jobs) <= {"done"} or time.time() > deadline:
                return jobs
            time.sleep(0.25)  # psql answers in milliseconds; a second was idle time

    def drop_pdf_backlog(self, why: str) -> None:
        """Delete the PDF jobs not done yet, as a later version of their plan would
        (plans/pdf/services.py): a queued task then ends at once ("skipped"), a render under
        way drops its file, instead of rendering for minutes a backlog that no check looks
        at. A job whose task died with PostgreSQL's connection stays "running" until the
        sweeper's running timeout (5 minutes): it goes too."""
        dropped = self.django(INSIDE, "droppdfs", capture=True).stdout.splitlines()[-1]
        say(f"{why}: {dropped} PDF jobs not done yet dropped")

    def sql(self, query: str) -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d",
             "clusterdiag_load", "-tAc", query], check=True, capture_output=True, text=True
        ).stdout.strip()

    def kill_worker_while_rendering(self) -> dict:
        """Ask for a new PDF, SIGKILL the worker's pool process while it renders it, and
        see what is left once the worker has taken the job up again."""
        job = json.loads(self.django(INSIDE, "pdfjob", capture=True).stdout.splitlines()[-1])
        deadline = time.time() + 60
        while self.sql(f"SELECT status FROM diagnostic_pdfjob WHERE id = {job['job']}") \
                != "running":
            if time.time() > deadline:
                return {**job, "error": "the job never started"}
            time.sleep(0.05)
        children = _children(self.processes["worker"].pid)
        # The pool process's own children (the Chromium that draws the charts) would be
        # orphaned: they go too, once the pool process is dead.
        orphans = [p for child in children for p in _descendants(child)]
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        say(f"killed the worker's pool process {children} while rendering "
            f"job {job['job']}")
        deadline = time.time() + 180
        while True:
            status = self.sql(f"SELECT status || ' ' || attempts FROM diagnostic_pdfjob "
                              f"WHERE id = {job['job']}")
            if status.startswith(("done", "failed")) or time.time() > deadline:
                break
            time.sleep(0.5)
        folder = Path(self.env["PRIVATE_FILES_ROOT"]) / "pdf" / f"plan-{job['plan']}"
        files = sorted(p.name for p in folder.glob("*.pdf")) if folder.exists() else []
        rows = self.sql(f"SELECT count(*) FROM diagnostic_pdfjob WHERE plan_id = {job['plan']}"
                        f" AND language = 'en'")
        return {**job, "killed": children, "status": status, "files": files,
                "rows": int(rows)}

    def lost_answers(self, ledger: list[dict]) -> list[dict]:
        """Acknowledged answers that the database does not hold (the last value per
        question of each run counts)."""
        last = {}
        for entry in sorted(ledger, key=lambda e: e["at"]):
            last[(entry["diagnostic"], entry["question"])] = entry["value"]
        (self.tmp / "ledger.json").write_text(json.dumps(
            [[d, q, v] for (d, q), v in last.items()]))
        out = self.django(INSIDE, "ledger", str(self.tmp / "ledger.json"), capture=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
