"""Portfolio benchmark: a facilitator's portfolio page with 5 and with 500 followed
clusters (two scored runs and a plan each): the same number of queries, and the time.

    python bench/portfolio.py          (BENCH_PORTFOLIO_SIZES=5,500 by default)

It makes a PostgreSQL database of its own (a migrated copy), seeds in bulk, and requests
the page in process with Django's test client (no server: the figure is the page's own
work). Prints queries and the median of 20 requests per size.
"""

import datetime
import json
import os
import statistics
import sys
import time

from common import PYTHON, django_env, migrated_database, run, save_out, setup_django

DATABASE = "clusterdiag_bench_portfolio"
SIZES = [int(s) for s in os.environ.get("BENCH_PORTFOLIO_SIZES", "5,500").split(",")]
REQUESTS = 20


def seed_and_measure(total: int, facilitator_email: str) -> dict:
    setup_django()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from benchmark.models import DiagnosticScore, ScoringMethod
    from clusterdiag.models import FACILITATORS_GROUP, User
    from diagnostic.models import Cluster, Diagnostic, QuestionnaireVersion
    from plans.models import Action, ActionPlan, PlaybookVersion

    facilitator, created = User.objects.get_or_create(email=facilitator_email,
                                                      defaults={"is_staff": True})
    if created:
        facilitator.groups.add(Group.objects.get(name=FACILITATORS_GROUP))
    have = Cluster.objects.filter(facilitators=facilitator).count()
    method = ScoringMethod.objects.get(is_current=True)
    version = QuestionnaireVersion.objects.current()
    playbook = PlaybookVersion.objects.order_by("-pk").first()
    day = datetime.date(2026, 1, 1)
    clusters = Cluster.objects.bulk_create(
        Cluster(name=f"Bench {i}", country="DE", sector="ict", governance="bottom_up")
        for i in range(have, total))
    Cluster.facilitators.through.objects.bulk_create(
        Cluster.facilitators.through(cluster=c, user=facilitator) for c in clusters)
    runs = Diagnostic.objects.bulk_create(
        Diagnostic(cluster=c, version=version, run=r, status="submitted")
        for c in clusters for r in (1, 2))
    DiagnosticScore.objects.bulk_create(
        DiagnosticScore(diagnostic=d, method=method, overall=30 + 10 * d.run, dimensions={},
                        items={}, band="moderately") for d in runs)
    plans = ActionPlan.objects.bulk_create(
        ActionPlan(cluster_id=d.cluster_id, diagnostic=d, playbook=playbook, phase="p",
                   statement="x", start_date=day, end_date=day.replace(year=2027))
        for d in runs if d.run == 2)
    Action.objects.bulk_create(
        Action(plan=p, position=1, title="a", start_date=day, due_date=day, milestone="m",
               milestone_date=day) for p in plans)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(facilitator)
    client.get("/portfolio/")
    executed = []
    # A wrapper rather than CaptureQueriesContext: it counts with DEBUG off, as served.
    with connection.execute_wrapper(lambda execute, sql, *a: executed.append(sql)
                                    or execute(sql, *a)):
        assert client.get("/portfolio/").status_code == 200
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get("/portfolio/")
        times.append((time.perf_counter() - start) * 1000)
    return {"clusters": total, "queries": len(executed),
            "median_ms": round(statistics.median(times), 1)}


def main() -> None:
    migrated_database(DATABASE)
    env = django_env(DATABASE)
    figures = []
    for size in SIZES:
        out = run([PYTHON, __file__, "measure", str(size)], env=env, capture_output=True)
        figures.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{size:>5} clusters: {figures[-1]['queries']} queries, "
              f"median {figures[-1]['median_ms']} ms")
    same = len({f["queries"] for f in figures}) == 1
    print(f"constant number of queries: {'yes' if same else 'NO'}")
    save_out("portfolio.json", {"figures": figures, "constant_queries": same})


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(seed_and_measure(int(sys.argv[2]), "bench-facilitator@example.org")))
    else:
        main()
