"""Generated demo clusters: a cohort that lets a newcomer see populated charts. Every
cluster is flagged is_demo, named as generated, and only ever forms the demo cohort."""

import random

from django.db import transaction
from django.utils import timezone

from diagnostic.models import (
    Answer,
    Cluster,
    Diagnostic,
    Governance,
    Question,
    QuestionnaireVersion,
    Sector,
)

from . import services
from .models import Cohort

DEMO_PREFIX = "Generated demo cluster"
COUNTRIES = ["FR", "DE", "IT", "ES", "NL", "BE", "AT", "SE", "FI", "DK", "PL", "CZ"]


def generated_answer(question: Question, options: list[str], maturity: float,
                     rng: random.Random):
    """A valid answer whose ambition grows with the cluster's maturity (0-1); options
    are listed from the weakest to the strongest where that matters to the index."""
    kind = question.kind
    if kind == "single":
        index = min(int(maturity * len(options) + rng.random() - 0.5), len(options) - 1)
        return options[max(index, 0)] if question.key != "geographic_ambition" else (
            options[min(int(maturity * 3), 2)])
    if kind == "multiple":
        usable = [o for o in options if not o.endswith("_none")]
        limit = min(question.max_choices or len(usable), len(usable))
        count = max(question.min_choices or 1, round(maturity * limit))
        return rng.sample(usable, min(count, limit))
    if kind == "number":
        top = float(question.max_value or 100)
        return round(min(top, maturity * top * rng.uniform(0.02, 0.2)), 1)
    if kind == "percent":
        return round(min(100.0, maturity * rng.uniform(10, 80)))
    if kind == "text":
        return "Generated demo answer."
    if kind == "countries":
        return rng.sample(COUNTRIES, 1 + int(maturity * 4))
    if kind == "rows":
        return [{"actor": "Demo actor", "year": 2020 + i} for i in range(int(maturity * 6))]
    raise ValueError(kind)


@transaction.atomic
def demo_cohort_generate(*, count: int = 60, seed: int = 2007) -> int:
    """Create `count` generated demo clusters with submitted, scored diagnostics, and
    refresh the demo cohort's statistics. Does nothing when they already exist."""
    if Cluster.objects.filter(is_demo=True, name__startswith=DEMO_PREFIX).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    version = QuestionnaireVersion.objects.current()
    questions = list(Question.objects.filter(section__version=version)
                     .prefetch_related("options"))
    options = {q.id: [o.key for o in q.options.all()] for q in questions}
    weak_first = {"intl_responsibility", "strategy_document", "board_support",
                  "member_cofinancing"}
    now = timezone.now()
    for i in range(1, count + 1):
        maturity = rng.betavariate(2, 2.5)
        companies = rng.randint(15, 400)
        cluster = Cluster.objects.create(
            name=f"{DEMO_PREFIX} {i:03d}", is_demo=True, country=rng.choice(COUNTRIES),
            sector=rng.choice(Sector.values), governance=rng.choice(Governance.values),
            companies=companies, smes=int(companies * 0.8), research_institutes=rng.randint(0, 12),
            universities=rng.randint(0, 6), other_members=rng.randint(0, 10),
            jobs=companies * rng.randint(20, 120), year_founded=rng.randint(1995, 2022),
            management_fte=round(rng.uniform(1, 8), 1))
        profile = {"sector": cluster.sector, "governance": cluster.governance,
                   "country": cluster.country.code, "companies": companies,
                   "research_institutes": cluster.research_institutes,
                   "universities": cluster.universities, "other_members": cluster.other_members}
        diagnostic = Diagnostic.objects.create(
            cluster=cluster, version=version, status=Diagnostic.Status.SUBMITTED,
            submitted_at=now, profile=profile)
        Answer.objects.bulk_create(
            Answer(diagnostic=diagnostic, question=q,
                   value=generated_answer(q, options[q.id][::-1] if q.key in weak_first
                                          else options[q.id], maturity, rng))
            for q in questions)
        services.diagnostic_score(diagnostic=diagnostic)
        services.peer_entry_sync(cluster=cluster)
    services.statistics_refresh(cohort=Cohort.DEMO)
    return count
