"""The admin pages of the benchmark app that concern one cluster (benchmark/admin.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from benchmark.models import RunPeerPosition
from benchmark.segments import segment_key
from tests.factories import ClusterFactory, DiagnosticFactory, FacilitatorFactory, UserFactory

pytestmark = [pytest.mark.django_db]

POSITIONS = [{"segment": segment_key(), "n": 12, "median": 47.6, "percentile": 71.2},
             {"segment": segment_key(sector="ict"), "n": 1, "median": 40.0, "percentile": 50.0}]


def _position(name):
    cluster = ClusterFactory(name=name)
    diagnostic = DiagnosticFactory(cluster=cluster, status="submitted")
    position = RunPeerPosition.objects.create(diagnostic=diagnostic, cohort="live", release=3,
                                              positions=POSITIONS)
    return cluster, position


def test_a_facilitator_sees_the_peer_positions_of_followed_clusters_only(client):
    followed, mine = _position("Followed cluster")
    _other, theirs = _position("Not followed cluster")
    facilitator = FacilitatorFactory()
    followed.facilitators.add(facilitator)
    # The Facilitators group is not given this page (as the scores'); an administrator
    # may give it to a person, who then sees the clusters they follow only.
    facilitator.user_permissions.add(Permission.objects.get(codename="view_runpeerposition"))
    client.force_login(facilitator)

    listed = client.get(reverse("admin:benchmark_runpeerposition_changelist"))
    hidden = client.get(reverse("admin:benchmark_runpeerposition_change", args=[theirs.pk]))
    delete = client.post(reverse("admin:benchmark_runpeerposition_delete", args=[mine.pk]),
                         {"post": "yes"})

    assert list(listed.context["cl"].result_list) == [mine]
    assert "Not followed cluster" not in listed.text
    assert hidden.status_code == 404
    assert delete.status_code == 403
    assert RunPeerPosition.objects.count() == 2


def test_an_administrator_reads_each_group_as_the_results_page_showed_it(client):
    _cluster, position = _position("Followed cluster")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:benchmark_runpeerposition_change", args=[position.pk]))
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("admin:benchmark_runpeerposition_change", args=[position.pk]))

    assert page.status_code == 200
    assert "all peers: 12 clusters, median 48, this run at percentile 71" in page.text
    assert ": 1 cluster, median 40, this run at percentile 50" in page.text
    assert 'name="_save"' not in page.text  # read-only
    assert ": 12 clusters, médiane 48, ce passage au centile 71" in french.text
