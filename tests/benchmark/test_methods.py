"""Scoring methods (issue 13, part 5): 2026.2 stops penalising a facilitator; a score keeps
the method it was computed with, peers are compared under one method, and a run's team can
re-score it with the current method."""

import html

import pytest
from django.urls import reverse

from benchmark import rescoring, scoring, services
from benchmark.models import (
    Cohort,
    DiagnosticScore,
    PeerEntry,
    ScoringMethod,
    SegmentDistribution,
)
from diagnostic import services as diagnostic_services
from tests.conftest import PROFILE_FIELDS
from tests.factories import ClusterFactory, FacilitatorFactory, UserFactory, answer_everything

pytestmark = [pytest.mark.django_db]

# answer_everything picks the first option: "yes, a facilitator is needed", which 2026.1
# scores 40 and 2026.2 scores 100.
PROFILE = {f: getattr(ClusterFactory.build(), f) for f in PROFILE_FIELDS}


def make_current(code: str) -> ScoringMethod:
    ScoringMethod.objects.update(is_current=False)
    ScoringMethod.objects.filter(code=code).update(is_current=True)
    return ScoringMethod.objects.get(code=code)


def submit_peer(name: str):
    manager = UserFactory()
    cluster = diagnostic_services.cluster_create(user=manager, **{**PROFILE, "name": name})
    diagnostic = cluster.diagnostics.get()
    answer_everything(diagnostic, manager)
    diagnostic_services.diagnostic_submit(diagnostic=diagnostic, user=manager,
                                          benchmark_consent=True)
    diagnostic.refresh_from_db()
    return manager, diagnostic


def _cohort_under_2026_1(count=6):
    """Peers submitted and published while 2026.1 was current; then 2026.2 is."""
    make_current("2026.1")
    peers = [submit_peer(f"Peer {i}") for i in range(count)]
    services.statistics_refresh(cohort=Cohort.LIVE)
    make_current("2026.2")
    return peers


def _partnership(diagnostic) -> float:
    return DiagnosticScore.objects.get(diagnostic=diagnostic).dimensions["partnership"]


def _partnership_under(code: str, diagnostic) -> float:
    definition = ScoringMethod.objects.get(code=code).definition
    return scoring.score_answers(definition, rescoring.answers_by_key(diagnostic)).dimensions[
        "partnership"]


def test_the_migrations_make_2026_2_current_and_keep_2026_1():
    assert ScoringMethod.objects.get(is_current=True).code == "2026.2"
    assert ScoringMethod.objects.filter(code="2026.1").exists()


def test_a_run_scored_with_2026_1_keeps_its_score_once_2026_2_is_current():
    (_manager, diagnostic), *_ = _cohort_under_2026_1()
    before = DiagnosticScore.objects.get(diagnostic=diagnostic)

    services.statistics_refresh(cohort=Cohort.LIVE)

    after = DiagnosticScore.objects.get(diagnostic=diagnostic)
    assert (after.method.code, after.overall, after.dimensions) == (
        "2026.1", before.overall, before.dimensions)


def test_the_refresh_rescores_the_peers_under_the_current_method():
    peers = _cohort_under_2026_1()
    new = _partnership_under("2026.2", peers[0][1])

    services.statistics_refresh(cohort=Cohort.LIVE)

    entries = PeerEntry.objects.filter(cohort=Cohort.LIVE)
    assert {e.method.code for e in entries} == {"2026.2"}
    assert {e.partnership for e in entries} == {new}
    assert new > _partnership(peers[0][1])  # their own scores keep 2026.1


def test_unchanged_groups_are_computed_again_under_the_new_method():
    peers = _cohort_under_2026_1()
    assert set(SegmentDistribution.objects.values_list("method__code", flat=True)) == {"2026.1"}

    services.statistics_refresh(cohort=Cohort.LIVE)

    rows = SegmentDistribution.objects.filter(dimension="partnership")
    assert set(rows.values_list("method__code", flat=True)) == {"2026.2"}
    assert {r.cut_points[50] for r in rows} == {_partnership_under("2026.2", peers[0][1])}


def test_a_group_that_changed_a_little_keeps_its_method_and_its_runs(client):
    (manager, old_run), *_ = _cohort_under_2026_1()
    new_manager, new_run = submit_peer("Late peer")  # scored with 2026.2

    services.statistics_refresh(cohort=Cohort.LIVE)

    # One cluster joined: fewer than the minimum, so the figures of 2026.1 stay, for the
    # runs of 2026.1 only.
    assert set(SegmentDistribution.objects.values_list("method__code", flat=True)) == {"2026.1"}
    client.force_login(manager)
    old_page = client.get(reverse("benchmark:diagnostic_results", args=[old_run.pk]))
    client.force_login(new_manager)
    new_page = client.get(reverse("benchmark:diagnostic_results", args=[new_run.pk]))
    assert old_page.context["body"].count('data-testid="no-peers"') == 0
    assert "n = 6" in old_page.context["body"]
    assert 'data-testid="no-peers"' in new_page.context["body"]


def test_the_results_page_names_its_method_and_offers_a_rescore_in_english_and_french(client):
    (manager, diagnostic), *_ = _cohort_under_2026_1()
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(manager)
    url = reverse("benchmark:diagnostic_results", args=[diagnostic.pk])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    client.cookies["django_language"] = "fr"
    french = html.unescape(client.get(url).text)

    assert "Index computed with method 2026.1." in english
    assert "Re-score with method 2026.2" in english
    # Its own method's figures were renewed under 2026.2: it is told to re-score.
    assert "Re-score this run with method 2026.2 to compare it with them." in english
    assert "Indice calculé avec la méthode 2026.1." in french
    assert "Recalculer avec la méthode 2026.2" in french


def test_a_team_member_rescores_a_run_once_even_on_a_double_click(client):
    (manager, diagnostic), *_ = _cohort_under_2026_1()
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(manager)
    url = reverse("benchmark:diagnostic_rescore", args=[diagnostic.pk])

    first = client.post(url)
    computed_at = DiagnosticScore.objects.get(diagnostic=diagnostic).computed_at
    second = client.post(url)

    score = DiagnosticScore.objects.get(diagnostic=diagnostic)
    assert first.status_code == second.status_code == 302
    assert (score.method.code, score.dimensions["partnership"]) == (
        "2026.2", _partnership_under("2026.2", diagnostic))
    assert score.computed_at == computed_at
    page = client.get(reverse("benchmark:diagnostic_results", args=[diagnostic.pk])).text
    assert "Index computed with method 2026.2." in page
    assert "Re-score with method" not in page
    assert 'data-testid="no-peers"' not in page  # compared with the peers of 2026.2 now


def test_only_the_team_may_rescore(client):
    (_manager, diagnostic), *_ = _cohort_under_2026_1()
    facilitator = FacilitatorFactory()
    diagnostic.cluster.facilitators.add(facilitator)
    client.force_login(facilitator)

    refused = client.post(reverse("benchmark:diagnostic_rescore", args=[diagnostic.pk]))
    page = client.get(reverse("benchmark:diagnostic_results", args=[diagnostic.pk])).text

    assert refused.status_code == 404
    assert DiagnosticScore.objects.get(diagnostic=diagnostic).method.code == "2026.1"
    assert 'data-testid="newer-method"' in page and "Re-score with method" not in page


def test_the_method_page_explains_the_change_in_the_readers_language(client):
    english = client.get(reverse("benchmark:method"), HTTP_ACCEPT_LANGUAGE="en").text
    client.cookies["django_language"] = "fr"
    french = html.unescape(client.get(reverse("benchmark:method")).text)

    assert "What changed from method 2026.1 to 2026.2" in english
    assert "no longer lowers the index" in english
    assert "Is a third-party facilitator needed?" in english
    assert "ne fait plus baisser l'indice" in french
    assert "Un facilitateur tiers est-il nécessaire ?" in french
