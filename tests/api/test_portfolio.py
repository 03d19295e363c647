import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmark.models import DiagnosticScore, ScoringMethod
from plans.models import Action, ActionPlan, PlaybookVersion
from tests.factories import ClusterFactory, DiagnosticFactory, FacilitatorFactory, UserFactory

pytestmark = [pytest.mark.django_db]

DAY = datetime.date(2026, 1, 1)


def _followed(facilitator, n, *, country="DE"):
    """n followed clusters, each with two scored runs (40 then 55) and a plan with one late
    milestone."""
    method = ScoringMethod.objects.get(is_current=True)
    playbook = PlaybookVersion.objects.order_by("-pk").first()
    clusters = []
    for _ in range(n):
        cluster = ClusterFactory(country=country)
        cluster.facilitators.add(facilitator)
        for run, index, band in ((1, 40, "moderately"), (2, 55, "moderately")):
            diagnostic = DiagnosticFactory(cluster=cluster, run=run, status="submitted")
            DiagnosticScore.objects.create(diagnostic=diagnostic, method=method,
                                           overall=index, dimensions={}, items={}, band=band)
        plan = ActionPlan.objects.create(cluster=cluster, diagnostic=diagnostic,
                                         playbook=playbook, phase="p", statement="x",
                                         start_date=DAY, end_date=DAY.replace(year=2027),
                                         status="submitted")
        Action.objects.create(plan=plan, position=1, title="Late", start_date=DAY,
                              due_date=DAY, milestone="m", milestone_date=DAY)
        Action.objects.create(plan=plan, position=2, title="Done", start_date=DAY,
                              due_date=DAY, milestone="m", milestone_date=DAY, status="done")
        clusters.append(cluster)
    return clusters


def test_a_facilitator_sees_the_clusters_they_follow_with_index_change_and_late(client):
    facilitator = FacilitatorFactory()
    [cluster] = _followed(facilitator, 1)
    ClusterFactory(name="Not followed")
    client.force_login(facilitator)

    page = client.get(reverse("api:portfolio"))

    [row] = page.context["clusters"]
    assert row.pk == cluster.pk
    assert (row.latest_index, row.change, row.late_milestones) == (55, 15, 1)
    assert row.plan_status_label == "submitted for review"
    assert "Not followed" not in page.content.decode()


def test_filters_and_sorting(client):
    facilitator = FacilitatorFactory()
    _followed(facilitator, 2)
    [french] = _followed(facilitator, 1, country="FR")
    client.force_login(facilitator)

    only_fr = client.get(reverse("api:portfolio"), {"country": "FR"}).context["clusters"]
    approved = client.get(reverse("api:portfolio"), {"plan_status": "approved"})
    sorted_ = client.get(reverse("api:portfolio"), {"sort": "late"})

    assert [c.pk for c in only_fr] == [french.pk]
    assert approved.context["clusters"] == []
    assert len(sorted_.context["clusters"]) == 3


def test_the_export_reads_back(client):
    facilitator = FacilitatorFactory()
    [cluster] = _followed(facilitator, 1)
    client.force_login(facilitator)

    response = client.get(reverse("api:portfolio_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == cluster.name and rows[1][4:7] == ["55", "moderately internationalised",
                                                           "15"]


def test_a_cluster_manager_gets_404(client, team):
    client.force_login(team.manager)

    assert client.get(reverse("api:portfolio")).status_code == 404
    assert client.get(reverse("api:portfolio_csv")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("api:portfolio")).status_code == 404


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("api:portfolio")).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("small,large", [(5, 500)])
def test_the_page_keeps_a_constant_number_of_queries(client, small, large):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator)
    _followed(facilitator, small)
    client.get(reverse("api:portfolio"))
    at_small = _queries(client)

    _followed(facilitator, large - small)

    assert _queries(client) == at_small


def test_the_page_shows_one_page_of_clusters_with_a_pagination_nav(client, monkeypatch):
    monkeypatch.setattr("api.portfolio_views.PAGE_SIZE", 2)
    facilitator = FacilitatorFactory()
    clusters = sorted(_followed(facilitator, 3, country="FR"), key=lambda c: (c.name, c.pk))
    client.force_login(facilitator)

    first = client.get(reverse("api:portfolio"), {"country": "FR"})
    second = client.get(reverse("api:portfolio"), {"country": "FR", "page": "2"})
    beyond = client.get(reverse("api:portfolio"), {"country": "FR", "page": "99"})
    garbage = client.get(reverse("api:portfolio"), {"page": "x"})

    assert [c.pk for c in first.context["clusters"]] == [c.pk for c in clusters[:2]]
    assert [c.pk for c in second.context["clusters"]] == [clusters[2].pk]
    assert first.context["clusters"][0].band_label == "moderately internationalised"
    html = first.content.decode()
    assert "3 clusters" in html  # the caption counts the whole list
    assert 'aria-label="Pages"' in html and 'aria-current="page"' in html
    assert "Page 1 of 2" in html
    assert 'href="?country=FR&amp;page=2"' in html
    assert 'href="/portfolio/export.csv?country=FR"' in html  # the whole list, not a page
    assert [c.pk for c in beyond.context["clusters"]] == [clusters[2].pk]
    assert garbage.status_code == 200 and len(garbage.context["clusters"]) == 2
