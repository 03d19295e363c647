"""Load and fault drills on a stack of their own, on loopback.

    bench/run load      20 users through the whole journey for 3 minutes: no failure
    bench/run faults    the journey while Redis is stopped, then hung (SIGSTOP), then while
                        PostgreSQL restarts; then a Celery worker killed while rendering
    bench/run drills    both, one after the other, on one stack (as CI runs them)

It starts its own throwaway PostgreSQL (initdb in a temporary directory, port 15432), its
own Redis (port 6391), gunicorn (3 workers, port 8711) and a Celery worker with beat,
seeds the users, runs locust (bench/load/journey.py) headless and checks the outcome.
Nothing shared is stopped: the services the drills stop and hang are their own, and all
of it is removed at the end. LOAD_USERS, LOAD_SECONDS, FAULT_USERS and FAULT_SECONDS change
the sizes (HUNG_ROUNDS, HUNG_SECONDS for the hung-Redis rounds). DRY_RUN=1 prints the
rounds of the fault drill and their longest duration without running anything.
"""
import argparse
import json
import os
import signal
import sys
import urllib.request
from pathlib import Path

# Run as a file (python bench/load/run.py): bench/, where the scripts' shared module is,
# is not on sys.path by itself (bench/load/, with stack.py, is).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import save_out
from stack import INSIDE, WEB_PORT, WORKER_STALL_SECONDS, Stack

USERS = int(os.environ.get("LOAD_USERS", "20"))
# 20 users saturate 3 gunicorn workers on 2 cores (p98 about 3.5 s with no fault at all):
# the 3-second bound of the fault drills would measure the saturation, not the fault.
FAULT_USERS = int(os.environ.get("FAULT_USERS", "8"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "180"))
# 45 s: Redis stopped for 18 s (from 9 to 27 s), PostgreSQL restarted at 18 s, and as long
# again after the fault for the recovery to show (sweeper every 10 s); CI's budget.
FAULT_SECONDS = int(os.environ.get("FAULT_SECONDS", "45"))
# The hung-Redis fault runs this many times in a row, in shorter rounds (CI stays under 30
# minutes): a worker that stops consuming after one of them must heal by itself.
HUNG_ROUNDS = int(os.environ.get("HUNG_ROUNDS", "5"))
HUNG_SECONDS = int(os.environ.get("HUNG_SECONDS", "30"))
LOAD_WORKER_CONCURRENCY = int(os.environ.get("LOAD_WORKER_CONCURRENCY", "2"))
PDF_GOAL_SECONDS = 30  # p95 of request to ready file under the load run (bench/report.py)


# --- The drills -----------------------------------------------------------------------------

def _verdict(label: str, ok: bool, detail: str) -> bool:
    print(f"  {label:<62} {detail:<40} {'ok' if ok else 'FAILED'}", flush=True)
    return ok


def _slow_in_fault(run: dict) -> list[dict]:
    """Requests over 3 s that ended while the fault lasted, or within 3 s after it."""
    return [e for e in run["slow"] for begin, end in run["windows"]
            if begin <= e["at"] <= end + 3]


def _slow(run: dict) -> str:
    inside = _slow_in_fault(run)
    names = sorted({entry["name"] for entry in inside})
    in_fault = [(ms, name) for at, name, ms in run["times"] for begin, end in run["windows"]
                if begin <= at <= end + 3]
    longest = max(in_fault, default=(0.0, "none"))
    return (f"{len(inside)} over 3 s in the fault ({len(run['slow'])} in the run)"
            + (f": {', '.join(names)}" if names else "")
            + f"; longest in the fault {longest[0] / 1000:.2f} s ({longest[1]})")


def _summary(run: dict) -> str:
    return (f"{run['requests']} requests, {run['rps']:.1f} req/s, {run['failures']} failures, "
            f"max {run['max_ms'] / 1000:.1f} s")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def load(stack: Stack) -> bool:
    run = stack.locust("load", LOAD_SECONDS, users=USERS)
    print(run["output"][-3000:])
    jobs = stack.pdf_jobs()
    # The jobs asked for in the last seconds are rendered after the run: their time counts.
    stack.wait_for_pdfs(PDF_GOAL_SECONDS * 2)
    times = json.loads(stack.django(INSIDE, "pdftimes", capture=True).stdout.splitlines()[-1])
    seconds = times["seconds"] or [0.0]
    ready = {"jobs": len(times["seconds"]), "done": times["done"],
             "median_s": _percentile(seconds, 0.5), "p95_s": _percentile(seconds, 0.95),
             "max_s": max(seconds)}
    save_out("load.json", {"ratios": {"PDF": {
        "value": ready["p95_s"],
        "note": f"request to ready file under {USERS} users for {LOAD_SECONDS} s, each waiting "
                f"for its PDF on the status page as the page does: median "
                f"{ready['median_s']:.1f} s, p95 {ready['p95_s']:.1f} s, max "
                f"{ready['max_s']:.1f} s over {ready['jobs']} jobs ({ready['done']} done"
                + ("" if ready["done"] == ready["jobs"] else "; the others counted at their "
                   "age: a lower bound") + ")"}}})
    print(f"\nLoad: {USERS} users, {LOAD_SECONDS} s of the whole journey")
    checks = [
        _verdict("throughput", True, f"{run['rps']:.1f} requests/s ({run['requests']} in all)"),
        _verdict("response time (for the record)", True,
                 f"p50 {run['rows']['Aggregated']['50%']} ms, p95 "
                 f"{run['rows']['Aggregated']['95%']} ms, max {run['max_ms'] / 1000:.1f} s"),
        _verdict("failed requests", run["failures"] == 0 and not run["failure_log"],
                 f"{run['failures']} (max {run['max_ms'] / 1000:.1f} s)"),
        # One worker renders one PDF at a time: the queue is what it had not reached yet.
        _verdict("PDF jobs when the run ended (for the record)", True, json.dumps(jobs)),
        _verdict("PDF request to ready file, median / p95 (goal in the report)", True,
                 f"{ready['median_s']:.1f} s / {ready['p95_s']:.1f} s, {ready['jobs']} jobs"),
        _verdict("PDFs a manager stopped waiting for (for the record)", True,
                 f"{len(run['gave_up'])} after {run['patience']:.0f} s"),
    ]
    return all(checks)


def faults(stack: Stack) -> bool:
    results = []
    third = FAULT_SECONDS // 5
    # Redis stopped, then started again.
    run = stack.locust("redis-stopped", FAULT_SECONDS, users=FAULT_USERS, faults=[
        (third, "Redis stopped", stack.redis_stop, 3 * third, stack.redis_start)])
    jobs = stack.wait_for_pdfs(240)  # returns as soon as the queue is empty
    results.append(_verdict("Redis stopped: every request answered",
                            run["failures"] == 0 and not run["failure_log"],
                            _summary(run)))
    results.append(_verdict("Redis stopped: no request over 3 s while it is down",
                            not _slow_in_fault(run), _slow(run)))
    results.append(_verdict("Redis stopped: no PDF job lost", set(jobs) <= {"done"},
                            json.dumps(jobs)))
    # Redis hung (SIGSTOP), then resumed: HUNG_ROUNDS times in a row. Every PDF job must be
    # done after each round with no restart by the drill: a worker that stopped consuming
    # exits by itself (clusterdiag/liveness.py) and its supervisor starts a new one.
    hang = HUNG_SECONDS // 5
    for number in range(1, HUNG_ROUNDS + 1):
        exits_before = len(stack.worker_exits)
        run = stack.locust(f"redis-hung-{number}", HUNG_SECONDS, users=FAULT_USERS, faults=[
            (hang, "Redis hung (SIGSTOP)", lambda: stack.redis_signal(signal.SIGSTOP),
             3 * hang, lambda: stack.redis_signal(signal.SIGCONT))])
        # The stall delay, a check, a clean shutdown and a new worker, then the backlog.
        jobs = stack.wait_for_pdfs(WORKER_STALL_SECONDS + 60)
        exits = [code for _at, code in stack.worker_exits[exits_before:]]
        label = f"Redis hung ({number}/{HUNG_ROUNDS})"
        results.append(_verdict(f"{label}: every request answered",
                                run["failures"] == 0 and not run["failure_log"],
                                _summary(run)))
        results.append(_verdict(f"{label}: no request over 3 s while it is hung",
                                not _slow_in_fault(run), _slow(run)))
        results.append(_verdict(
            f"{label}: every PDF job done, no restart by the drill", set(jobs) <= {"done"},
            f"{json.dumps(jobs)}; worker exited by itself {len(exits)} times {exits}"))
    # PostgreSQL restarted.
    run = stack.locust("postgres-restart", FAULT_SECONDS, users=FAULT_USERS, faults=[
        (2 * third, "PostgreSQL restarting", stack.pg_restart, 2 * third, lambda: None)])
    begin, end = run["windows"][0]
    outside = [f for f in run["failure_log"] if not begin - 1 <= f["at"] <= end + 2]
    lost = stack.lost_answers(run["ledger"])
    healthy = urllib.request.urlopen(
        f"http://127.0.0.1:{WEB_PORT}/healthz", timeout=5).status == 200
    results.append(_verdict("PostgreSQL restart: failures only while it restarts",
                            not outside, f"{run['failures']} failed, {len(outside)} outside "
                            f"the {end - begin:.1f} s window"))
    results.append(_verdict("PostgreSQL restart: no acknowledged answer lost", not lost,
                            f"{len(run['ledger'])} acknowledged, {len(lost)} lost"))
    results.append(_verdict("PostgreSQL restart: recovered without restarting the app",
                            healthy, "/healthz 200" if healthy else "/healthz failing"))
    # A Celery worker killed while it renders a PDF: on a worker started afresh, so that
    # this drill does not depend on how the worker came out of the ones before, and idle,
    # so that it takes the new job at once. No check looks at the PostgreSQL round's PDFs:
    # they are dropped, not waited for (that took two minutes: a job whose render lost its
    # connection in the restart waited for the sweeper's 5-minute running timeout).
    stack.drop_pdf_backlog("before the worker-kill drill")
    stack.worker_restart()  # a render under way ends first (warm shutdown)
    stack.wait_for_pdfs(120)  # returns at once: nothing is left to render
    killed = stack.kill_worker_while_rendering()
    expected = [f"r{killed['revision']}-en.pdf"]
    results.append(_verdict(
        "worker killed while rendering: exactly one PDF in the end",
        killed.get("status", "").startswith("done") and killed.get("files") == expected
        and killed.get("rows") == 1,
        f"job {killed.get('status', killed.get('error'))} attempts, files {killed.get('files')}"))
    print(f"\nFault drills: {FAULT_USERS} users, {FAULT_SECONDS} s each; Redis hung "
          f"{HUNG_ROUNDS} times, {HUNG_SECONDS} s each; the worker exited by itself "
          f"{len(stack.worker_exits)} times in all (codes {[c for _a, c in stack.worker_exits]})")
    return all(results)


def plan() -> None:
    """What `faults` would run and how long it may take at most, without running it."""
    rounds = [("Redis stopped", FAULT_SECONDS, 240)]
    rounds += [(f"Redis hung {n}/{HUNG_ROUNDS}", HUNG_SECONDS, WORKER_STALL_SECONDS + 60)
               for n in range(1, HUNG_ROUNDS + 1)]
    rounds += [("PostgreSQL restart", FAULT_SECONDS, 0), ("worker killed", 0, 120 + 180)]
    total = 0
    for label, seconds, wait in rounds:
        print(f"  {label:<22} locust {seconds:>3} s, then up to {wait:>3} s for the PDF jobs")
        total += seconds + wait
    print(f"  at most {total / 60:.0f} min of rounds and waits (plus start-up and seeding)")


def main(modes: list[str]) -> None:
    if os.environ.get("DRY_RUN"):
        plan()
        return
    stack = Stack()
    # Under load, two renders at a time, as docker-compose.yml runs its workers (PDF request
    # to ready file is measured there); the fault drills keep one, so that a render does
    # not take the CPU their 3-second bound is about.
    stack.worker_concurrency = LOAD_WORKER_CONCURRENCY if modes[0] == "load" else 1
    results = []
    try:
        # "load faults" runs both drills on one stack: CI starts, migrates, collects the
        # static files and seeds once, not twice.
        stack.start(accounts=max(USERS, FAULT_USERS))
        for mode in modes:
            if mode == "faults" and stack.worker_concurrency != 1:
                # The load drill's backlog, once its ready times are measured: dropped, not
                # rendered (waiting for it took up to two minutes), so that the faults
                # start on an empty queue as before. Then the fault drills' single worker.
                stack.drop_pdf_backlog("after the load drill")
                stack.worker_concurrency = 1
                stack.worker_restart()  # the renders under way end first (warm shutdown)
                stack.wait_for_pdfs(120)  # returns at once: nothing is left to render
            results.append(load(stack) if mode == "load" else faults(stack))
    finally:
        stack.stop()
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # python bench/load/run.py load faults: both drills, one after the other, on one stack
    parser.add_argument("drills", nargs="+", choices=["load", "faults"])
    options = parser.parse_args()
    if options.drills not in (["load"], ["faults"], ["load", "faults"]):
        parser.error("the drills are load, faults, or load faults (both, on one stack)")
    main(options.drills)
