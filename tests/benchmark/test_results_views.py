import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmark import services
from benchmark.models import Cohort, PeerEntry, SegmentDistribution
from benchmark.segments import segment_key
from diagnostic import services as diagnostic_services
from diagnostic.models import Answer, Governance, Sector
from tests.benchmark.test_statistics import seed_entries
from tests.factories import (
    ClusterFactory,
    FacilitatorFactory,
    MembershipFactory,
    UserFactory,
    answer_everything,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def submitted(team):
    answer_everything(team.diagnostic, team.manager)
    Answer.objects.filter(diagnostic=team.diagnostic, question__key="expected_barriers").update(
        value=["q3_trust", "q3_other"])
    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)
    team.diagnostic.refresh_from_db()
    return team


def _results(client, team, **params):
    return client.get(reverse("benchmark:diagnostic_results", args=[team.diagnostic.pk]),
                      params)


def test_results_show_the_index_in_words_and_numbers(client, submitted):
    client.force_login(submitted.member)

    response = _results(client, submitted)

    score = submitted.diagnostic.score
    assert response.context["score"] == score
    assert f"{score.overall:.0f}" in response.text
    assert response.context["band"] == {
        "not": "not internationalised", "slightly": "slightly internationalised",
        "moderately": "moderately internationalised", "largely": "largely internationalised",
        "highly": "highly internationalised"}[score.band]
    assert "ClusterDiag's own index" in response.text
    assert "no-store" in response.headers["Cache-Control"] or "no-cache" in response.headers[
        "Cache-Control"]


def test_results_compare_a_named_barrier_with_the_2007_study(client, submitted):
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    comparison = next(c for c in response.context["comparisons"] if c.key == "expected_barriers")
    assert comparison.sentences[0] == (
        "You chose “Lack of trust between partners”. The 2007 study: Lack of mutual trust and "
        "conflicts of interest between competitors are the most frequent barriers, each named "
        "by one fifth of the network managers. (about 20 %; approximate (“jeweils ein "
        "Fünftel”: one fifth each), press report of the 2007 study (cio.de, page 2), n = 88)")
    other = next(r for r in comparison.rows if r.key == "q3_other")
    assert other.study_share is None and other.study_text == "not asked in 2007"


def test_unpublished_study_figures_are_never_shown_as_numbers(client, submitted):
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    funding = next(c for c in response.context["comparisons"] if c.key == "funding_sources")
    assert {r.study_text for r in funding.rows} <= {"asked in 2007; share not recovered",
                                                    "not asked in 2007"}
    assert all(r.study_share is None for r in funding.rows)
    assert funding.chart["data"] == []  # no bar is drawn for unknown figures (and no peers)


def test_results_in_french(client, submitted):
    submitted.manager.language = "fr"
    submitted.manager.save()
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    assert "Indice d'internationalisation" in html.unescape(response.text)
    comparison = next(c for c in response.context["comparisons"] if c.key == "expected_barriers")
    assert comparison.sentences[0].startswith(
        "Vous avez choisi « Manque de confiance entre les partenaires »")


def test_with_too_few_peers_no_peer_figure_is_shown(client, submitted):
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    assert response.context["chosen_group"] is None
    assert response.context["position_rows"] == []
    assert 'data-testid="no-peers"' in response.text
    assert all(d["median"] is None for d in response.context["dimensions"])


def test_with_enough_peers_the_page_shows_their_median_and_shares(client, submitted):
    seed_entries(9, seed=11)
    PeerEntry.objects.filter(cluster=submitted.cluster).update(sector="ict")
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    assert response.context["chosen_group"].n == 10
    assert all(d["median"] is not None for d in response.context["dimensions"])
    barriers = next(c for c in response.context["comparisons"] if c.key == "expected_barriers")
    assert barriers.peer_n == 10
    assert "Among peers" in barriers.sentences[0]


@pytest.mark.parametrize("params", [
    {"sector": "ict"}, {"sector": "nonsense"}, {"country": "\x00"}, {"size": "x" * 5000},
    {"governance": "bottom_up", "country": "FR", "size": "small", "sector": "health"},
])
def test_any_filter_value_gets_a_page_never_an_error(client, submitted, params):
    client.force_login(submitted.manager)

    response = _results(client, submitted, **params)

    assert response.status_code == 200
    assert response.context["score"] == submitted.diagnostic.score


def test_a_draft_has_no_results_yet(client, team):
    client.force_login(team.manager)

    response = _results(client, team)

    assert response.url == reverse("diagnostic:diagnostic_review", args=[team.diagnostic.pk])


@pytest.mark.parametrize(("role", "expected"), [
    ("owner", 200), ("member", 200), ("facilitator", 200), ("other manager", 404),
    ("other facilitator", 404), ("anonymous", 404)])
def test_results_access_matrix(client, submitted, role, expected):
    follower = FacilitatorFactory()
    submitted.cluster.facilitators.add(follower)
    people = {"owner": submitted.manager, "member": submitted.member, "facilitator": follower,
              "other manager": MembershipFactory(cluster=ClusterFactory()).user,
              "other facilitator": FacilitatorFactory(), "anonymous": None}
    if people[role]:
        client.force_login(people[role])

    assert _results(client, submitted).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("owner", 302), ("member", 302), ("facilitator", 404), ("stranger", 404), ("anonymous", 404)])
def test_consent_access_matrix(client, submitted, role, expected):
    follower = FacilitatorFactory()
    submitted.cluster.facilitators.add(follower)
    people = {"owner": submitted.manager, "member": submitted.member, "facilitator": follower,
              "stranger": UserFactory(), "anonymous": None}
    if people[role]:
        client.force_login(people[role])

    response = client.post(reverse("benchmark:diagnostic_consent",
                                   args=[submitted.diagnostic.pk]))

    assert response.status_code == expected
    submitted.diagnostic.refresh_from_db()
    assert submitted.diagnostic.benchmark_consent is (expected == 404)
    assert PeerEntry.objects.exists() is (expected == 404)


def test_results_cost_the_same_queries_with_few_or_many_peers(client, submitted):
    client.force_login(submitted.manager)
    url = reverse("benchmark:diagnostic_results", args=[submitted.diagnostic.pk])

    def count():
        services.statistics_refresh(cohort=Cohort.LIVE)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    seed_entries(20, seed=21)
    few = count()
    seed_entries(400, seed=22)
    many = count()

    assert PeerEntry.objects.count() == 421
    assert few == many
    assert many <= 18


def test_method_page_is_public_and_bilingual(client):
    english = client.get(reverse("benchmark:method"))
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("benchmark:method"))

    assert "ClusterDiag internationalisation index, version 2026.2" in english.text
    assert "did not publish" in english.text or "not the 2007 study" in english.text
    assert "Indice d'internationalisation ClusterDiag" in html.unescape(french.text)
    assert english.text.count("not recovered") >= 10
    assert 'data-figure="q2_board"' in english.text
    assert "44 %" in english.text


def test_the_heavy_part_is_rendered_once_and_renewed_after_a_refresh(client, submitted):
    seed_entries(9, seed=31)
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(submitted.manager)
    url = reverse("benchmark:diagnostic_results", args=[submitted.diagnostic.pk])
    # Count right away: the next request empties the query log the counts are read from.
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url)
    first_count = len(first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        second_page = client.get(url)
    second_count = len(second.captured_queries)
    seed_entries(5, seed=32)  # five joined: enough for the groups to change
    services.statistics_refresh(cohort=Cohort.LIVE)
    after_refresh = client.get(url)

    assert second_page.context["body"] == first_page.context["body"]
    assert second_count < first_count
    assert second_count <= 7
    assert "n = 10" in first_page.text
    assert "n = 10" not in after_refresh.text
    assert "n = 15" in after_refresh.text


@pytest.mark.parametrize(("language", "words"), [
    ("en", "no set of fewer than 6 clusters"), ("fr", "moins de 6 clusters")])
def test_the_method_page_states_the_promise_with_the_configured_minimum(client, settings,
                                                                          language, words):
    settings.PEER_MIN_GROUP = 6

    response = client.get(reverse("benchmark:method"), HTTP_ACCEPT_LANGUAGE=language)

    assert 'data-testid="disclosure-promise"' in response.text
    assert words in response.text


def test_the_sector_and_governance_views_show_the_audited_groups_and_mark_your_own(
        client, submitted):
    seed_entries(40, seed=5)
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(submitted.manager)

    response = _results(client, submitted)

    views = {v["key"]: v for v in response.context["views"]}
    published = set(SegmentDistribution.objects.filter(dimension="overall")
                    .values_list("segment", flat=True))
    for key, values in (("sector", Sector.values), ("governance", Governance.values)):
        rows = views[key]["rows"]
        assert len(rows) == len(values)
        for value, row in zip(values, rows, strict=True):
            assert (row.median is not None) == (segment_key(**{key: value}) in published)
        assert sum(r.is_own for r in rows) == 1
        assert any(r.median is not None for r in rows)
    assert "(VDI/VDE-IT, 2007)" in views["sector"]["finding"]
    assert "life-science" in views["sector"]["finding"]
    assert "Markusen (1996)" in views["governance"]["finding"]
    assert 'data-view="sector"' in response.text and 'data-view="governance"' in response.text
    assert 'data-own="true"' in response.text
    assert views["sector"]["chart"]["data"][-1]["marker"]["symbol"] == "diamond"


def test_the_views_in_french(client, submitted):
    submitted.manager.language = "fr"
    submitted.manager.save()
    client.force_login(submitted.manager)

    text = html.unescape(_results(client, submitted).text)

    assert "Internationalisation par secteur" in text
    assert "Sciences de la Vie" in text


def test_a_withdrawal_renews_the_cached_page_at_once(client, submitted):
    seed_entries(10, seed=51)
    services.statistics_refresh(cohort=Cohort.LIVE)
    client.force_login(submitted.manager)
    before = _results(client, submitted).context["body"]
    assert "n = 11" in before

    services.consent_set(diagnostic=submitted.diagnostic, consent=False)
    after = _results(client, submitted).context["body"]

    assert "n = 11" not in after
