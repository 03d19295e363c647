"""Results-page benchmark: does the page stay as fast with 100,000 stored diagnostics as
with 100, and how does it compare with a trivial page on the same server?

    bench/run results          (or: .venv/bin/python bench/results_page.py)

It creates two PostgreSQL databases, bulk-seeds 100 and 100,000 submitted diagnostics
(with scores, peer entries and chosen options) using COPY, refreshes the peer statistics,
serves each database with gunicorn in production settings, and drives both with wrk, side
by side, on loopback. It prints each figure with its goal. Every request stays on
127.0.0.1; every run is bounded in time.
"""

import json
import os
import secrets
import statistics
import string
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import (
    PYTHON,
    collectstatic,
    django_env,
    gunicorn,
    login_cookie,
    login_cookies,
    migrated_database,
    run,
    save_out,
    stop,
    wrk,
)
from results_django import AUTOSAVE_DRAFTS, journey_paths

# Seeding and counting run inside Django: results_django.py, run with a bench database.
DJANGO_SIDE = str(Path(__file__).with_name("results_django.py"))

# BENCH_LARGE=2000 for a quick look while working; the goals are stated at 100,000.
SIZES = {"small": 100, "large": int(os.environ.get("BENCH_LARGE", "100000"))}
PORTS = {"small": 8701, "large": 8702}
BARE_PORT = 8704  # bench/bare_wsgi.py, for P10
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
# Each figure is taken this many times, in interleaved rounds: this machine's pace swings
# by up to 1.75x between runs, so a ratio is reported as its median with its spread.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))




# --- The driver -----------------------------------------------------------------------------------

WRK_THREADS = 2


def measure(url: str, cookie: str | None = None, script: str | None = None) -> float:
    """Requests per second as every figure of this benchmark is taken: wrk for DURATION
    seconds, WRK_THREADS threads."""
    return wrk(url, seconds=DURATION, threads=WRK_THREADS, cookie=cookie, script=script)


def autosave_script(info: dict, cookies: list[str]) -> str:
    """A wrk script that posts one answer to the autosave, as the page's script does while
    a manager types: the session, a CSRF token, one text question.

    With one cookie per draft of info["drafts"], each manager posts to their own draft, as
    managers do: each wrk thread sends its requests to its share of the drafts in turn, so
    that the requests in flight are for different drafts. With one cookie, every request
    goes to the first draft: all 8 connections typing into the same run at the same
    second, their saves queued behind that run's row lock (kept for the record: two people
    rarely type into one draft at once)."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    question = info["question"]
    body = f"_questions={question}&q_{question}=Typed+while+the+benchmark+runs"
    drafts = [draft for draft, _user in info["drafts"]][:len(cookies)]
    section = info["section"]
    targets = ",\n".join(
        f'  {{"/diagnostics/{draft}/steps/{section}/autosave/", '
        f'"{cookie}; csrftoken={token}"}}' for draft, cookie in zip(drafts, cookies, strict=True))
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    script.write(f"""local targets = {{
{targets}
}}
local threads = {WRK_THREADS}
local index = 0
function setup(thread)
  thread:set("first", index)
  index = index + 1
end
local requests = {{}}
local turn = 0
function init(args)
  -- This thread's drafts: first, first + threads, ...; each request formatted once.
  for i = first + 1, #targets, threads do
    local headers = {{["Content-Type"] = "application/x-www-form-urlencoded",
                     ["X-CSRFToken"] = "{token}", ["Cookie"] = targets[i][2]}}
    requests[#requests + 1] = wrk.format("POST", targets[i][1], headers, "{body}")
  end
  if #requests == 0 then
    local headers = {{["Content-Type"] = "application/x-www-form-urlencoded",
                     ["X-CSRFToken"] = "{token}", ["Cookie"] = targets[1][2]}}
    requests[1] = wrk.format("POST", targets[1][1], headers, "{body}")
  end
end
function request()
  turn = turn % #requests + 1
  return requests[turn]
end
""")
    script.close()
    return script.name


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": values}


def _took(label: str, started: float) -> None:
    """How long a phase took: CI's time budget shows where it goes."""
    print(f"{label}: {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    started = time.perf_counter()
    # Both copies of the database migrated once for this code (common.migrated_database).
    migrated_database("clusterdiag_bench_small")
    migrated_database("clusterdiag_bench_large")
    collectstatic(django_env("postgres"))
    _took("databases and static files", started)
    info, servers = {}, []
    try:
        for name, size in SIZES.items():
            env = django_env(f"clusterdiag_bench_{name}")
            started = time.perf_counter()
            out = run([PYTHON, DJANGO_SIDE, "seed", str(size)], env=env, capture_output=True).stdout
            info[name] = json.loads(out.strip().splitlines()[-1])
            print(f"{name}: seed and refresh", json.dumps(info[name]), flush=True)
            info[name]["total_s"] = time.perf_counter() - started
            _took(f"{name}: seed and refresh", started)
            info[name]["cookie"] = login_cookie(info[name]["user"], env)
            # The managers of the drafts the autosave posts to, the first being the above.
            info[name]["draft_cookies"] = [info[name]["cookie"], *login_cookies(
                [user for _draft, user in info[name]["drafts"][1:]], env)]
            servers.append(gunicorn("clusterdiag.wsgi:application", PORTS[name], env=env))
        # The same gunicorn serving a bare WSGI application: Django's own cost (P10).
        servers.append(gunicorn("bare_wsgi:application", BARE_PORT,
                                options=["--pythonpath", "bench"]))
        time.sleep(3)
        started = time.perf_counter()
        rounds = measure_rounds(info)
        _took(f"{ROUNDS} rounds of wrk runs", started)
    finally:
        for server in servers:
            stop(server)
    # Query counts and the results computation, after the throughput runs: P5 adds rows.
    started = time.perf_counter()
    for name in SIZES:
        # Every page drawn by its view: the query counts are the view's, not a kept page's.
        env = django_env(f"clusterdiag_bench_{name}", PAGE_CACHE="false")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(info[name], handle)
        info[name]["queries"] = json.loads(run(
            [PYTHON, DJANGO_SIDE, "queries", handle.name], env=env, capture_output=True
        ).stdout.strip().splitlines()[-1])
    _took("query counts and results computation", started)
    report(info, rounds)


JOURNEY = ["step", "autosave", "review", "results", "strategy", "plan", "agenda", "history"]


def measure_rounds(info: dict) -> dict:
    """ROUNDS rounds, each taking every figure once, side by side; the ratios are taken
    inside each round, then reported as the median over the rounds with their spread."""
    large = f"http://127.0.0.1:{PORTS['large']}"
    small = f"http://127.0.0.1:{PORTS['small']}"
    cookie = info["large"]["cookie"]
    paths = journey_paths(info["large"])
    # Each manager to their own draft (P2), and all to one draft (for the record).
    script = autosave_script(info["large"], info["large"]["draft_cookies"])
    same_draft_script = autosave_script(info["large"], [cookie])
    autosave = f"{large}{paths['step']}autosave/"
    ratios: dict[str, list[float]] = {}
    rps_runs: list[dict] = []
    # Every page once before the clock starts: a page's first render (its cache empty)
    # would otherwise fall in the first round, or time out under wrk.
    for url, who in [(f"{large}{path}", cookie) for path in paths.values()] + [
            (f"{small}/diagnostics/{info['small']['diagnostic']}/results/",
             info["small"]["cookie"])]:
        request = urllib.request.Request(url, headers={"Cookie": who})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
    try:
        for _round in range(ROUNDS):
            rps = {"ping_user": measure(f"{large}/ping", cookie)}
            for name in JOURNEY:
                rps[name] = (measure(autosave, script=script) if name == "autosave"
                             else measure(f"{large}{paths[name]}", cookie))
            rps["autosave_same_draft"] = measure(autosave, script=same_draft_script)
            rps["ping_user_after"] = measure(f"{large}/ping", cookie)
            rps["ping"] = measure(f"{large}/ping")
            rps["bare_wsgi"] = measure(f"http://127.0.0.1:{BARE_PORT}/")
            rps["results_small"] = measure(
                f"{small}/diagnostics/{info['small']['diagnostic']}/results/",
                info["small"]["cookie"])
            # The logged-in /ping before and after the pages: the machine's pace drifts.
            ping_user = (rps["ping_user"] + rps["ping_user_after"]) / 2
            round_ratios = {name: rps[name] / ping_user
                            for name in [*JOURNEY, "autosave_same_draft"]}
            round_ratios.update(
                P1=rps["results"] / ping_user,
                P3=rps["results"] / rps["results_small"],
                P10=rps["ping"] / rps["bare_wsgi"],
                P11=ping_user / rps["ping"])
            for key, value in round_ratios.items():
                ratios.setdefault(key, []).append(value)
            rps_runs.append(rps)
    finally:
        os.unlink(script)
        os.unlink(same_draft_script)
    return {"ratios": {k: spread(v) for k, v in ratios.items()}, "rps": rps_runs}


LABELS = {"step": "questionnaire step GET", "autosave": "autosave POST, own drafts",
          "autosave_same_draft": "autosave POST, 8 on one draft",
          "review": "review", "results": "results", "strategy": "strategy", "plan": "plan page",
          "agenda": "agenda", "history": "history"}


def _fmt(entry: dict) -> str:
    return (f"{entry['median']:.2f} (min {entry['min']:.2f}, max {entry['max']:.2f}, "
            f"{len(entry['runs'])} rounds)")


def save_ratios(info: dict, rounds: dict) -> None:
    """The performance ratios (see bench/report.py) this benchmark measures, each the
    median over the rounds, with its spread in the note."""
    r = rounds["ratios"]
    small_q, large_q = info["small"]["queries"], info["large"]["queries"]
    extra = {name: large_q["after"][name] - large_q["before"][name] for name in large_q["before"]}
    p2 = min(r["step"]["median"], r["autosave"]["median"])
    ratios = {
        "P1": (r["P1"]["median"], f"results / logged-in /ping at 100,000 diagnostics: "
               f"{_fmt(r['P1'])}"),
        "P2": (p2, f"questionnaire step GET {_fmt(r['step'])} (kept page; drawn anew in "
               f"{large_q['drawn_ms']['step']:.0f} ms in process); autosave POST "
               f"{_fmt(r['autosave'])}, each of {AUTOSAVE_DRAFTS} managers posting to their "
               f"own draft, as managers do (until 2026-12 all {AUTOSAVE_DRAFTS} connections "
               f"posted to one draft, queued behind its row lock: now "
               f"{_fmt(r['autosave_same_draft'])}, for the record); the lower of the two "
               f"medians, / logged-in /ping"),
        "P3": (r["P3"]["median"], f"results at 100,000 / at 100: {_fmt(r['P3'])}"),
        "P4": (float(small_q["results"] == large_q["results"]),
               f"results page: {small_q['results']} queries at 100, {large_q['results']} at "
               "100,000 (other pages: tests/*/test_queries.py)"),
        "P5": (float(max(extra.values())),
               "most extra queries of a journey page with 20 actions and 20 members instead of "
               "1: " + ", ".join(f"{k} {large_q['before'][k]}->{large_q['after'][k]}"
                                 for k in large_q["before"])),
        "P6": (large_q["compute_s"] / small_q["compute_s"],
               f"results computation (percentiles from the statistics tables) "
               f"{1000 * large_q['compute_s']:.1f} ms at 100,000 / "
               f"{1000 * small_q['compute_s']:.1f} ms at 100, median of 21"),
        "P10": (r["P10"]["median"], f"/ping / bare WSGI, same gunicorn settings: "
                f"{_fmt(r['P10'])}"),
        "P11": (r["P11"]["median"], f"logged-in /ping / anonymous /ping: {_fmt(r['P11'])}"),
    }
    if info["large"].get("refresh_s"):  # None when seeded without the audit
        ratios["P14"] = (info["large"]["refresh_s"] / info["large"]["baseline_refresh_s"],
                         f"statistics refresh at 100,000 diagnostics with the disclosure audit "
                         f"{info['large']['refresh_s']:.1f} s / before the audit "
                         f"{info['large']['baseline_refresh_s']:.1f} s (fastest of the runs)")
    drawn = large_q["drawn_ms"]
    for number, name in enumerate(JOURNEY[2:], start=1):
        ratios[f"J{number}"] = (r[name]["median"], f"{LABELS[name]} / logged-in /ping: "
                                f"{_fmt(r[name])}; a page kept since nothing was written "
                                f"(clusterdiag/pagecache.py), drawn anew in "
                                f"{drawn[name]:.0f} ms in process")
    save_out("results.json", {
        "ratios": {k: {"value": v, "note": note} for k, (v, note) in ratios.items()},
        "detail": {"seconds_per_run": DURATION, "rounds": rounds, "queries": [small_q, large_q]}})


def report(info: dict, rounds: dict) -> None:
    save_ratios(info, rounds)
    r = rounds["ratios"]
    rps = rounds["rps"]
    median_rps = {k: statistics.median(run[k] for run in rps) for k in rps[0]}
    refresh_ratio = info["large"]["refresh_s"] / info["large"]["baseline_refresh_s"]
    print("refresh runs (s), with audit:", info["large"]["refresh_all_s"],
          "before the audit:", info["large"]["baseline_all_s"])
    rows = [
        ("seed 100 diagnostics (s)", f"{info['small']['seed_s']:.1f}", "seconds", True),
        ("seed 100,000 diagnostics (s)", f"{info['large']['seed_s']:.1f}",
         "seconds, not minutes", info["large"]["seed_s"] < 60),
        ("statistics refresh at 100,000 (s)", f"{info['large']['refresh_s']:.1f}",
         "background", True),
        ("refresh before the audit at 100,000 (s)",
         f"{info['large']['baseline_refresh_s']:.1f}", "(for the ratio)", True),
        ("refresh with audit / before (100,000)", f"{refresh_ratio:.2f}", "<= 1.5",
         refresh_ratio <= 1.5),
        ("/ping rps anonymous / logged in (median)",
         f"{median_rps['ping']:.0f} / {median_rps['ping_user']:.0f}", "", True),
        ("bare WSGI rps (median)", f"{median_rps['bare_wsgi']:.0f}", "", True),
    ]
    rows += [(f"{LABELS[name]} rps (median)", f"{median_rps[name]:.0f}", "", True)
             for name in JOURNEY]
    rows += [(f"{LABELS[name]} drawn anew, in process (ms)",
              f"{info['large']['queries']['drawn_ms'][name]:.1f}", "(for the record)", True)
             for name in JOURNEY if name != "autosave"]
    rows += [(f"{LABELS[name]} / logged-in ping", _fmt(r[name]), ">= 0.25 (median)",
              r[name]["median"] >= 0.25) for name in JOURNEY]
    rows += [(f"{LABELS['autosave_same_draft']} rps (median)",
              f"{median_rps['autosave_same_draft']:.0f}", "(for the record)", True),
             (f"{LABELS['autosave_same_draft']} / ping", _fmt(r["autosave_same_draft"]),
              "(for the record)", True)]
    rows += [
        ("logged-in / anonymous ping", _fmt(r["P11"]), ">= 0.5 (median)",
         r["P11"]["median"] >= 0.5),
        ("/ping / bare WSGI (P10)", _fmt(r["P10"]), ">= 0.5 (median)",
         r["P10"]["median"] >= 0.5),
        ("results at 100,000 / at 100", _fmt(r["P3"]), ">= 0.8 (median)",
         r["P3"]["median"] >= 0.8),
        ("results queries at 100 / 100,000",
         f"{info['small']['queries']['results']} / {info['large']['queries']['results']}",
         "equal", info["small"]["queries"]["results"] == info["large"]["queries"]["results"]),
    ]
    print(f"\nResults page and journey benchmark ({ROUNDS} interleaved rounds of {DURATION} s "
          "wrk runs, 2 threads, 8 connections; ratios: median, min and max over the rounds)")
    for label, value, goal, ok in rows:
        print(f"  {label:<44} {value:>40}  {goal:<18} {'ok' if ok else 'MISSED'}")
    if not all(ok for *_rest, ok in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
