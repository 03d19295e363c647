"""A step, the review and the autosave cost the same number of queries however many
diagnostics are stored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostic.models import Answer, Diagnostic, Question
from tests.factories import ClusterFactory

pytestmark = [pytest.mark.django_db]


def _store_other_diagnostics(count, version):
    cluster = ClusterFactory()
    question = Question.objects.filter(section__version=version, kind="text").first()
    diagnostics = Diagnostic.objects.bulk_create(
        Diagnostic(cluster=cluster, version=version, run=run, status="submitted")
        for run in range(1, count + 1))
    Answer.objects.bulk_create(Answer(diagnostic=d, question=question, value="x")
                               for d in diagnostics)


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(context.captured_queries)


REQUESTS = [
    ("get", "diagnostic_step", "motives", None),
    ("get", "diagnostic_step", "experience", None),
    ("get", "diagnostic_step", "profile", None),
    ("post", "diagnostic_step", "motives", {"q_main_objectives": "Grow"}),
    ("post", "diagnostic_autosave", "motives",
     {"_questions": "main_objectives", "q_main_objectives": "Grow"}),
    ("get", "diagnostic_review", None, None),
    ("get", "cluster_detail", None, None),
]


def _measure(client, team):
    counts = {}
    for method, name, section, data in REQUESTS:
        target = team.cluster.pk if name == "cluster_detail" else team.diagnostic.pk
        url = reverse(f"diagnostic:{name}", args=[target] + ([section] if section else []))
        counts[(method, name, section)] = _queries(client, method, url, data)
    return counts


def test_query_count_does_not_grow_with_stored_diagnostics(client, team):
    client.force_login(team.manager)
    _store_other_diagnostics(10, team.diagnostic.version)
    with_10 = _measure(client, team)

    _store_other_diagnostics(9_990, team.diagnostic.version)
    with_10_000 = _measure(client, team)

    assert Diagnostic.objects.count() == 10_001
    assert with_10_000 == with_10
    assert max(with_10.values()) <= 16
