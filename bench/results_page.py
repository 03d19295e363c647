"""Results-page benchmark: does the page stay as fast with 100,000 stored diagnostics as
with 100, and how does it compare with a trivial page on the same server?

    bench/run results          (or: .venv/bin/python bench/results_page.py)

It creates two PostgreSQL databases, bulk-seeds 100 and 100,000 submitted diagnostics
(with scores, peer entries and chosen options) using COPY, refreshes the peer statistics,
serves each database with gunicorn in production settings, and drives both with wrk, side
by side, on loopback. It prints each figure with its goal. Every request stays on
127.0.0.1; every run is bounded in time.
"""

import argparse
import json
import os
import random
import sys
import time

from common import (
    PYTHON,
    database_recreate,
    django_env,
    gunicorn,
    login_cookie,
    run,
    save_out,
    setup_django,
    stop,
    wrk,
)

SIZES = {"small": 100, "large": 100_000}
PORTS = {"small": 8701, "large": 8702}
BARE_PORT = 8704  # bench/bare_wsgi.py, for P10
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
BASE = 1000  # ids of the copied rows start above those of the real target diagnostic


# --- Inside Django (this file re-runs itself with a command) ------------------------------------

def seed(size: int) -> None:
    """Bulk-load `size` peers and one real, submitted diagnostic to measure."""
    setup_django()
    from django.db import connection

    from benchmark import scoring
    from benchmark.models import Cohort, ScoringMethod
    from diagnostic import services as diagnostic_services
    from diagnostic.models import Governance, Question, QuestionnaireVersion, Sector
    from tests.factories import UserFactory, valid_value

    version = QuestionnaireVersion.objects.current()
    manager = UserFactory(email="bench@example.org")
    cluster = diagnostic_services.cluster_create(
        user=manager, name="Bench target", country="FR", sector="ict", governance="bottom_up",
        companies=80, smes=60, research_institutes=4, universities=2, other_members=3,
        jobs=9000)
    diagnostic = cluster.diagnostics.get()
    questions = Question.objects.filter(section__version=version).prefetch_related("options")
    diagnostic_services.answers_save(diagnostic=diagnostic, user=manager, section_key="funding",
                                     values={q: valid_value(q) for q in questions})
    diagnostic_services.diagnostic_submit(diagnostic=diagnostic, user=manager,
                                          benchmark_consent=True)

    rng = random.Random(size)
    started = time.perf_counter()
    method = ScoringMethod.objects.get(is_current=True)
    choice_questions = list(Question.objects.filter(section__version=version,
                                                    kind__in=["single", "multiple"])
                            .prefetch_related("options"))
    countries = ["FR", "DE", "IT", "ES", "NL", "BE", "AT", "SE", "FI", "DK", "PL", "CZ"]
    raw = connection.connection
    with raw.cursor() as cur:
        cur.execute("SELECT now()")
        now = cur.fetchone()[0]
        with cur.copy("COPY diagnostic_cluster (id, name, country, region, sector, governance,"
                      " companies, smes, research_institutes, universities, other_members, jobs,"
                      " year_founded, management_fte, is_demo, created_at, updated_at)"
                      " FROM STDIN") as copy:
            for i in range(BASE, BASE + size):
                companies = rng.randint(10, 600)
                copy.write_row((i, f"Bench cluster {i}", rng.choice(countries), "", rng.choice(
                    Sector.values), rng.choice(Governance.values), companies, companies // 2,
                    3, 2, 1, companies * 50, 2010, 3, False, now, now))
        with cur.copy("COPY diagnostic_diagnostic (id, cluster_id, version_id, run, status,"
                      " current_section, profile, benchmark_consent, created_at, updated_at,"
                      " submitted_at) FROM STDIN") as copy:
            for i in range(BASE, BASE + size):
                copy.write_row((i, i, version.pk, 1, "submitted", "", "{}", True, now, now, now))
        entries, choices = [], []
        with cur.copy("COPY benchmark_diagnosticscore (id, diagnostic_id, method_id, overall,"
                      " dimensions, items, band, computed_at) FROM STDIN") as copy:
            for i in range(BASE, BASE + size):
                dims = {d: round(rng.uniform(0, 100), 1) for d in scoring.DIMENSIONS}
                overall = round(sum(dims.values()) / len(dims), 1)
                copy.write_row((i, i, method.pk, overall, json.dumps(dims), "{}",
                                scoring.band_for(overall, method.definition["bands"]), now))
                entries.append((i, dims, overall))
        with cur.copy("COPY benchmark_peerentry (id, cohort, cluster_id, diagnostic_id, sector,"
                      " governance, country, size_band, overall, strategy, organisation,"
                      " experience, partnership, funding) FROM STDIN") as copy:
            for i, dims, overall in entries:
                copy.write_row((i, "live", i, i, rng.choice(Sector.values),
                                rng.choice(Governance.values), rng.choice(countries),
                                rng.choice(["small", "medium", "large", "very_large"]), overall,
                                *[dims[d] for d in scoring.DIMENSIONS]))
        with cur.copy("COPY benchmark_peerchoice (entry_id, question_key, option_key)"
                      " FROM STDIN") as copy:
            for i, _dims, _overall in entries:
                for question in choice_questions[:8]:
                    options = [o.key for o in question.options.all()]
                    copy.write_row((i, question.key, rng.choice(options)))
        for table in ["diagnostic_cluster", "diagnostic_diagnostic", "benchmark_diagnosticscore",
                      "benchmark_peerentry", "benchmark_peerchoice"]:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))")
            cur.execute(f"ANALYZE {table}")
    raw.commit()
    del choices
    seeded = time.perf_counter() - started

    # The refresh with the disclosure audit against the refresh as it was before it (every
    # group of at least the minimum, its figures computed and written), interleaved, both
    # rolled back but the last one.
    baseline, audited = [], []
    for last in (False, True):
        baseline.append(baseline_refresh(Cohort.LIVE))
        audited.append(timed_refresh(Cohort.LIVE, keep=last))
    print(json.dumps({"diagnostic": diagnostic.pk, "user": manager.pk, "seed_s": seeded,
                      "refresh_s": sorted(audited)[0], "refresh_all_s": audited,
                      "baseline_refresh_s": sorted(baseline)[0],
                      "baseline_all_s": baseline}))


class _Rollback(Exception):
    pass


def timed_refresh(cohort: str, *, keep: bool) -> float:
    from django.db import transaction

    from benchmark import services

    started = time.perf_counter()
    if keep:  # as the Celery task runs it: its own transaction, one snapshot
        services.statistics_refresh(cohort=cohort)
        return time.perf_counter() - started
    try:
        with transaction.atomic():
            services.statistics_refresh(cohort=cohort)
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started


def baseline_refresh(cohort: str) -> float:
    """The refresh before the disclosure audit (issue 13), rolled back: segment counts in
    16 grouped queries, every group of at least the minimum computed and written."""
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count

    from benchmark import scoring, services
    from benchmark.models import PeerEntry, SegmentDistribution, SegmentShare
    from benchmark.segments import grouping_sets, segment_key

    k = settings.PEER_MIN_GROUP
    started = time.perf_counter()
    try:
        with transaction.atomic():
            entries = PeerEntry.objects.filter(cohort=cohort)
            counts = {segment_key(): entries.count()}
            for attrs in grouping_sets()[1:]:
                fields = [services._COLUMNS[a] for a in attrs]
                for row in entries.values(*fields).annotate(n=Count("id")):
                    counts[services._key({a: row[services._COLUMNS[a]] for a in attrs})] = \
                        row["n"]
            shown = {key for key, n in counts.items() if n >= k}
            distributions = [
                SegmentDistribution(cohort=cohort, segment=key, dimension=score, n=n,
                                    cut_points=[float(v) for v in cuts[score]])
                for key, n, cuts in services.cut_points_in_database(cohort, k) if key in shown
                for score in scoring.SCORES]
            shares = [SegmentShare(cohort=cohort, segment=key, question_key=q, option_key=o,
                                   n=counts[key], count=c)
                      for key, q, o, c in services._shares(cohort, shown)]
            SegmentDistribution.objects.filter(cohort=cohort).delete()
            SegmentShare.objects.filter(cohort=cohort).delete()
            SegmentDistribution.objects.bulk_create(distributions, batch_size=2000)
            SegmentShare.objects.bulk_create(shares, batch_size=5000)
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started


def queries(diagnostic_id: int, user_id: int) -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from clusterdiag.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    client.get(f"/diagnostics/{diagnostic_id}/results/")  # warm caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"/diagnostics/{diagnostic_id}/results/")
    assert response.status_code == 200, response.status_code
    print(len(context.captured_queries))


# --- The driver -----------------------------------------------------------------------------------

def measure(url: str, cookie: str | None = None) -> float:
    """Requests per second as every figure of this benchmark is taken: wrk for DURATION
    seconds, 2 threads."""
    return wrk(url, seconds=DURATION, threads=2, cookie=cookie)


def main() -> None:
    for name in SIZES:
        database = f"clusterdiag_bench_{name}"
        database_recreate(database)
        run([PYTHON, "manage.py", "migrate", "-v0"], env=django_env(database))
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=django_env("postgres"))
    info, servers = {}, []
    try:
        for name, size in SIZES.items():
            env = django_env(f"clusterdiag_bench_{name}")
            started = time.perf_counter()
            out = run([PYTHON, __file__, "seed", str(size)], env=env, capture_output=True).stdout
            info[name] = json.loads(out.strip().splitlines()[-1])
            print(f"{name}: seed and refresh", json.dumps(info[name]), flush=True)
            info[name]["total_s"] = time.perf_counter() - started
            info[name]["cookie"] = login_cookie(info[name]["user"], env)
            info[name]["queries"] = int(run(
                [PYTHON, __file__, "queries", str(info[name]["diagnostic"]),
                 str(info[name]["user"])], env=env, capture_output=True).stdout.strip())
            servers.append(gunicorn("clusterdiag.wsgi:application", PORTS[name], env=env))
        # The same gunicorn serving a bare WSGI application: Django's own cost (P10).
        servers.append(gunicorn("bare_wsgi:application", BARE_PORT,
                                options=["--pythonpath", "bench"]))
        time.sleep(3)
        rps = {}
        for name in SIZES:
            base = f"http://127.0.0.1:{PORTS[name]}"
            results = f"{base}/diagnostics/{info[name]['diagnostic']}/results/"
            rps[f"ping_{name}"] = measure(f"{base}/ping")
            # The same trivial page for the logged-in user: it pays the same session and
            # user lookups as the results page, so the ratio isolates the page's own work.
            rps[f"ping_user_{name}"] = measure(f"{base}/ping", info[name]["cookie"])
            rps[f"results_{name}"] = measure(results, info[name]["cookie"])
        # P2: a questionnaire step (read-only: the diagnostic is submitted), logged in.
        rps["step_large"] = measure(
            f"http://127.0.0.1:{PORTS['large']}/diagnostics/{info['large']['diagnostic']}"
            "/steps/motives/", info["large"]["cookie"])
        # P10, interleaved: bare WSGI, /ping, bare WSGI, /ping on the large server.
        bare, ping = [], []
        for _round in range(2):
            bare.append(measure(f"http://127.0.0.1:{BARE_PORT}/"))
            ping.append(measure(f"http://127.0.0.1:{PORTS['large']}/ping"))
        rps["bare_wsgi"], rps["ping_p10"] = sum(bare) / 2, sum(ping) / 2
    finally:
        for server in servers:
            stop(server)
    report(info, rps)


def save_ratios(info: dict, rps: dict) -> None:
    """The performance ratios (P1-P10, see bench/report.py) this benchmark measures."""
    detail = {"seconds_per_run": DURATION, "rps": rps,
              "queries": [info["small"]["queries"], info["large"]["queries"]]}
    ratios = {
        "P1": rps["results_large"] / rps["ping_user_large"],
        "P2": rps["step_large"] / rps["ping_user_large"],
        "P3": rps["results_large"] / rps["results_small"],
        "P4": float(info["small"]["queries"] == info["large"]["queries"]),
        "P10": rps["ping_p10"] / rps["bare_wsgi"],
    }
    notes = {
        "P1": f"results {rps['results_large']:.0f} rps / logged-in /ping "
              f"{rps['ping_user_large']:.0f} rps at 100,000 diagnostics",
        "P2": f"questionnaire step GET {rps['step_large']:.0f} rps / logged-in /ping "
              f"{rps['ping_user_large']:.0f} rps (the autosave POST is not measured)",
        "P3": f"results {rps['results_large']:.0f} rps at 100,000 / {rps['results_small']:.0f} "
              "at 100",
        "P4": f"results page: {info['small']['queries']} queries at 100, "
              f"{info['large']['queries']} at 100,000 (other pages: tests/*/test_queries.py)",
        "P10": f"/ping {rps['ping_p10']:.0f} rps / bare WSGI {rps['bare_wsgi']:.0f} rps, same "
               "gunicorn settings",
    }
    save_out("results.json", {
        "ratios": {k: {"value": v, "note": notes[k]} for k, v in ratios.items()},
        "detail": detail})


def report(info: dict, rps: dict) -> None:
    save_ratios(info, rps)
    ratio = rps["results_large"] / rps["ping_user_large"]
    anonymous_ratio = rps["results_large"] / rps["ping_large"]
    scale = rps["results_large"] / rps["results_small"]
    refresh_ratio = info["large"]["refresh_s"] / info["large"]["baseline_refresh_s"]
    print("refresh runs (s), with audit:", info["large"]["refresh_all_s"],
          "before the audit:", info["large"]["baseline_all_s"])
    rows = [
        ("seed 100 diagnostics (s)", f"{info['small']['seed_s']:.1f}", "seconds", True),
        ("seed 100,000 diagnostics (s)", f"{info['large']['seed_s']:.1f}", "seconds, not minutes",
         info["large"]["seed_s"] < 60),
        ("statistics refresh at 100,000 (s)", f"{info['large']['refresh_s']:.1f}", "background",
         True),
        ("refresh before the audit at 100,000 (s)",
         f"{info['large']['baseline_refresh_s']:.1f}", "(for the ratio)", True),
        ("refresh with audit / before (100,000)", f"{refresh_ratio:.2f}", "<= 1.5",
         refresh_ratio <= 1.5),
        ("/ping rps at 100 / 100,000 (anonymous)",
         f"{rps['ping_small']:.0f} / {rps['ping_large']:.0f}", "", True),
        ("/ping rps at 100 / 100,000 (logged in)",
         f"{rps['ping_user_small']:.0f} / {rps['ping_user_large']:.0f}", "", True),
        ("results rps at 100 / 100,000",
         f"{rps['results_small']:.0f} / {rps['results_large']:.0f}", "", True),
        ("results rps / logged-in ping rps (100,000)", f"{ratio:.2f}", ">= 0.25", ratio >= 0.25),
        ("results rps / anonymous ping rps (100,000)", f"{anonymous_ratio:.2f}", "(for the record)",
         True),
        ("results rps at 100,000 / at 100", f"{scale:.2f}", ">= 0.9", scale >= 0.9),
        ("/ping rps / bare WSGI rps (P10, in bench/run report)",
         f"{rps['ping_p10'] / rps['bare_wsgi']:.2f}", "(see the report)", True),
        ("results queries at 100 / 100,000",
         f"{info['small']['queries']} / {info['large']['queries']}", "equal",
         info["small"]["queries"] == info["large"]["queries"]),
    ]
    print(f"\nResults page benchmark ({DURATION} s per wrk run, 2 threads, 8 connections)")
    for label, value, goal, ok in rows:
        print(f"  {label:<44} {value:>14}  {goal:<22} {'ok' if ok else 'MISSED'}")
    if not all(ok for *_rest, ok in rows):
        sys.exit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="main",
                        choices=["main", "seed", "queries"])
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.command == "main":
        main()
    elif options.command == "seed":
        seed(int(options.args[0]))
    else:
        queries(int(options.args[0]), int(options.args[1]))
