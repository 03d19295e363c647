"""The results-page benchmark's work inside Django, on one bench database: seeding it, timing
its statistics refresh, and counting each journey page's queries. bench/results_page.py
(the driver) runs this file as a command with that database's environment:

    results_django.py seed SIZE        bulk-load SIZE peers and the diagnostic to measure
    results_django.py queries INFO     query counts, pages drawn anew, results computation
"""

import argparse
import datetime
import json
import os
import random
import statistics
import time
from pathlib import Path

from common import setup_django

BASE = 1000  # ids of the copied rows start above those of the real target diagnostic
# The autosave is posted by this many managers at once, each to the draft of their own
# cluster (results_page.autosave_script): one per wrk connection.
AUTOSAVE_DRAFTS = 8


def seed(size: int) -> None:
    """Bulk-load `size` peers and one real, submitted diagnostic to measure."""
    setup_django()
    from django.db import connection

    from benchmark import scoring
    from benchmark.models import Cohort, ScoringMethod
    from diagnostic import services as diagnostic_services
    from diagnostic.models import Governance, Question, QuestionnaireVersion, Sector
    from plans import services as plan_services
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
    # The rest of a manager's journey: the plan of this run, and a second run in draft
    # (its questionnaire step and autosave are what a manager waits on most).
    plan = plan_services.plan_generate(diagnostic=diagnostic, user=manager,
                                       start_date=datetime.date(2027, 1, 1))
    draft = diagnostic_services.diagnostic_start(cluster=cluster, user=manager)
    # More managers, each with a cluster of their own and its draft, every answer stored as
    # in the draft above: the autosave is measured as managers post it, each to their own
    # draft (autosave_script).
    drafts = [(draft.pk, manager.pk)]
    for n in range(1, AUTOSAVE_DRAFTS):
        other = UserFactory(email=f"bench-{n}@example.org")
        own = diagnostic_services.cluster_create(
            user=other, name=f"Bench draft {n}", country="DE", sector="ict",
            governance="bottom_up", companies=50, smes=40, research_institutes=2,
            universities=1, other_members=1, jobs=4000).diagnostics.get()
        diagnostic_services.answers_save(diagnostic=own, user=other, section_key="funding",
                                         values={q: valid_value(q) for q in questions})
        drafts.append((own.pk, other.pk))
    text = Question.objects.filter(section__version=version, kind=Question.Kind.TEXT
                                   ).select_related("section").order_by("section__position",
                                                                        "position").first()

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
                      " governance, country, size_band, method_id, overall, strategy,"
                      " organisation, experience, partnership, funding) FROM STDIN") as copy:
            for i, dims, overall in entries:
                copy.write_row((i, "live", i, i, rng.choice(Sector.values),
                                rng.choice(Governance.values), rng.choice(countries),
                                rng.choice(["small", "medium", "large", "very_large"]),
                                method.pk, overall,
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
    # rolled back but the last one, BENCH_REFRESH_ROUNDS pairs (default 2; CI takes 1: each
    # pair is over a minute). BENCH_SEED_PEER_FIGURES=unaudited (bench/partners.py, which
    # only needs a results page to compare with) keeps the figures of the refresh before
    # the audit instead, and times nothing.
    baseline, audited = [], []
    if os.environ.get("BENCH_SEED_PEER_FIGURES") == "unaudited":
        baseline.append(baseline_refresh(Cohort.LIVE, keep=True))
        audited.append(None)
    else:
        pairs = max(1, int(os.environ.get("BENCH_REFRESH_ROUNDS", "2")))
        for last in [False] * (pairs - 1) + [True]:
            baseline.append(baseline_refresh(Cohort.LIVE))
            audited.append(timed_refresh(Cohort.LIVE, keep=last))
    print(json.dumps({"diagnostic": diagnostic.pk, "user": manager.pk, "seed_s": seeded,
                      "refresh_s": sorted(audited)[0], "refresh_all_s": audited,
                      "baseline_refresh_s": sorted(baseline)[0],
                      "baseline_all_s": baseline, "plan": plan.pk, "draft": draft.pk,
                      "drafts": drafts,
                      "section": text.section.key, "question": text.key}))


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


def baseline_refresh(cohort: str, *, keep: bool = False) -> float:
    """The refresh before the disclosure audit (issue 13), rolled back: segment counts in
    16 grouped queries, every group of at least the minimum computed and written."""
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from benchmark import scoring, services
    from benchmark.models import (
        PeerEntry,
        ScoringMethod,
        SegmentDistribution,
        SegmentShare,
        StatisticsState,
    )
    from benchmark.segments import grouping_sets, segment_key

    k = settings.PEER_MIN_GROUP
    started = time.perf_counter()
    try:
        with transaction.atomic():
            method = ScoringMethod.objects.get(is_current=True)
            entries = PeerEntry.objects.filter(cohort=cohort)
            counts = {segment_key(): entries.count()}
            for attrs in grouping_sets()[1:]:
                fields = [services._COLUMNS[a] for a in attrs]
                for row in entries.values(*fields).annotate(n=Count("id")):
                    counts[services._key({a: row[services._COLUMNS[a]] for a in attrs})] = \
                        row["n"]
            shown = {key for key, n in counts.items() if n >= k}
            distributions = [
                SegmentDistribution(cohort=cohort, segment=key, dimension=score, method=method,
                                    n=n, cut_points=[float(v) for v in cuts[score]])
                for key, n, cuts in services.cut_points_in_database(cohort, k) if key in shown
                for score in scoring.SCORES]
            shares = [SegmentShare(cohort=cohort, segment=key, question_key=q, option_key=o,
                                   n=counts[key], count=c)
                      for key, q, o, c in services._shares(cohort, shown)]
            SegmentDistribution.objects.filter(cohort=cohort).delete()
            SegmentShare.objects.filter(cohort=cohort).delete()
            SegmentDistribution.objects.bulk_create(distributions, batch_size=2000)
            SegmentShare.objects.bulk_create(shares, batch_size=5000)
            if keep:
                StatisticsState.objects.update_or_create(
                    cohort=cohort, defaults={"refreshed_at": timezone.now(),
                                             "entries": counts[segment_key()],
                                             "min_group": k})
                return time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return time.perf_counter() - started


def journey_paths(info: dict) -> dict[str, str]:
    """The pages of a manager's journey, GET (the autosave is a POST, measured apart)."""
    return {
        "step": f"/diagnostics/{info['draft']}/steps/{info['section']}/",
        "review": f"/diagnostics/{info['diagnostic']}/review/",
        "results": f"/diagnostics/{info['diagnostic']}/results/",
        "strategy": f"/diagnostics/{info['diagnostic']}/strategy/",
        "plan": f"/plans/{info['plan']}/",
        "agenda": f"/plans/{info['plan']}/agenda/",
        "history": f"/plans/{info['plan']}/history/",
    }


def queries(info_path: str) -> None:
    """P4, P5 and P6, in this process on this database:
    - the results page's query count (P4, compared between the two sizes by the driver);
    - every journey page's query count before and after the plan gets 19 more actions and
      the cluster 19 more members (P5: the N+1 guard, extra queries must be 0);
    - the median time of the results computation (peers' percentiles and shares, read
      from the statistics tables) over 21 calls (P6: compared between the two sizes)."""
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmark import results, selectors
    from clusterdiag.models import User
    from diagnostic.access import get_diagnostic_for_user
    from plans.models import ActionPlan
    from tests.factories import MembershipFactory
    from tests.plans.pdf_support import add_actions

    info = json.loads(Path(info_path).read_text())
    user = User.objects.get(pk=info["user"])
    client = Client()
    client.force_login(user)

    def counts() -> dict[str, int]:
        found = {}
        for name, path in journey_paths(info).items():
            client.get(path)  # warm caches
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            found[name] = len(context.captured_queries)
        return found

    def drawn() -> dict[str, float]:
        """Milliseconds to draw each page anew, median of 5 (the figures of wrk are of
        pages kept since nothing changed; this is what the first reader after a change
        waits for)."""
        found = {}
        for name, path in journey_paths(info).items():
            times = []
            for _ in range(5):
                started = time.perf_counter()
                client.get(path)
                times.append(time.perf_counter() - started)
            found[name] = round(1000 * statistics.median(times), 1)
        return found

    before = counts()
    drawn_ms = drawn()
    plan = ActionPlan.objects.get(pk=info["plan"])
    add_actions(plan, 19, user=user)
    for _ in range(19):
        MembershipFactory(cluster=plan.diagnostic.cluster, role="member")
    after = counts()

    diagnostic = get_diagnostic_for_user(user, info["diagnostic"],
                                         related=("cluster", "score__method"))
    times = []
    for _ in range(21):
        started = time.perf_counter()
        results.build(selectors.results_data(diagnostic, filters={}))
        times.append(time.perf_counter() - started)
    print(json.dumps({"results": before["results"], "before": before, "after": after,
                      "compute_s": statistics.median(times), "drawn_ms": drawn_ms}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["seed", "queries"])
    parser.add_argument("argument")
    options = parser.parse_args()
    if options.command == "seed":
        seed(int(options.argument))
    else:
        queries(options.argument)
