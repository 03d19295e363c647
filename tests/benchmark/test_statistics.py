"""Peer statistics computed in the database: equal to brute force, suppressed for small
groups in every filter combination, fed by consent and never by demo clusters."""

import itertools
import random

import pytest
from django.core.management import call_command

from benchmark import scoring, services
from benchmark.models import (
    Cohort,
    DiagnosticScore,
    PeerChoice,
    PeerDeparture,
    PeerEntry,
    PublishedSegment,
    SegmentDistribution,
    SegmentShare,
)
from benchmark.segments import ATTRIBUTES, segment_key
from diagnostic import services as diagnostic_services
from diagnostic.models import Diagnostic
from tests.factories import ClusterFactory, answer_everything

pytestmark = [pytest.mark.django_db]

VALUES = {"sector": ["ict", "health", "mobility"], "governance": ["bottom_up", "top_down_internal"],
          "country": ["FR", "DE"], "size_band": ["small", "large"]}


def seed_entries(count, seed=1, cohort=Cohort.LIVE):
    """Peer entries with random attributes and scores, and one answer each."""
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        cluster = ClusterFactory(name=f"Peer {seed}-{i}")
        diagnostic = Diagnostic.objects.create(cluster=cluster, version_id=_version_id(),
                                               status="submitted")
        scores = {s: round(rng.uniform(0, 100), 1) for s in scoring.SCORES}
        entry = PeerEntry.objects.create(cohort=cohort, cluster=cluster, diagnostic=diagnostic,
                                         **{a: rng.choice(v) for a, v in VALUES.items()},
                                         **scores)
        PeerChoice.objects.create(entry=entry, question_key="expected_barriers",
                                  option_key=rng.choice(["q3_trust", "q3_time"]))
        entries.append(entry)
    return entries


def _version_id():
    from diagnostic.models import QuestionnaireVersion

    return QuestionnaireVersion.objects.current().pk


def _members(entries, filters):
    column = {"sector": "sector", "governance": "governance", "country": "country",
              "size": "size_band"}
    return [e for e in entries if all(getattr(e, column[a]) == v for a, v in filters.items())]


def _all_filters():
    options = {"sector": VALUES["sector"], "governance": VALUES["governance"],
               "country": VALUES["country"], "size": VALUES["size_band"]}
    for combo in itertools.product(*[[None, *options[a]] for a in ATTRIBUTES]):
        yield {a: v for a, v in zip(ATTRIBUTES, combo, strict=True) if v}


def test_cut_points_in_the_database_equal_brute_force_for_every_segment():
    entries = seed_entries(80)

    services.statistics_refresh(cohort=Cohort.LIVE)

    published = {(d.segment, d.dimension): d for d in SegmentDistribution.objects.all()}
    assert published
    for (segment, dimension), row in published.items():
        filters = {k: v for k, v in (p.split("=") for p in segment.split(";")) if v != "*"}
        members = _members(entries, filters)
        assert row.n == len(members)
        assert row.cut_points == scoring.cut_points([getattr(e, dimension) for e in members])


def test_every_filter_combination_is_published_only_for_groups_of_five_or_more():
    entries = seed_entries(40, seed=7)

    services.statistics_refresh(cohort=Cohort.LIVE)

    segments = set(SegmentDistribution.objects.values_list("segment", flat=True))
    share_segments = set(SegmentShare.objects.values_list("segment", flat=True))
    checked = 0
    for filters in _all_filters():
        key = segment_key(**filters)
        n = len(_members(entries, filters))
        if n < 5:
            assert key not in segments and key not in share_segments, (filters, n)
        if key in segments:
            checked += 1
            assert SegmentDistribution.objects.filter(segment=key).first().n == n
    assert checked >= 5
    assert share_segments <= segments


def test_shares_count_each_peer_once_per_option():
    entries = seed_entries(12, seed=3)

    services.statistics_refresh(cohort=Cohort.LIVE)

    shares = {s.option_key: (s.count, s.n) for s in SegmentShare.objects.filter(
        segment=segment_key(), question_key="expected_barriers")}
    trust = sum(1 for e in entries if e.choices.get().option_key == "q3_trust")
    assert shares["q3_trust"] == (trust, 12)
    assert shares.get("q3_time", (0, 12)) == (12 - trust, 12)


def test_submitting_with_consent_scores_and_enters_the_live_cohort(team):
    answer_everything(team.diagnostic, team.manager)

    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)

    score = DiagnosticScore.objects.get(diagnostic=team.diagnostic)
    entry = PeerEntry.objects.get()
    assert (entry.cohort, entry.diagnostic, entry.overall) == ("live", team.diagnostic,
                                                                score.overall)
    assert entry.sector == "ict" and entry.size_band == "small"
    assert PeerChoice.objects.filter(entry=entry, question_key="motives").exists()


def test_withdrawing_consent_leaves_the_cohort_and_joining_again_returns(team):
    answer_everything(team.diagnostic, team.manager)
    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)

    services.consent_set(diagnostic=team.diagnostic, consent=False)
    assert not PeerEntry.objects.exists()

    services.consent_set(diagnostic=team.diagnostic, consent=True)
    assert PeerEntry.objects.get().cohort == "live"


def test_without_consent_a_diagnostic_is_scored_but_not_a_peer(team):
    answer_everything(team.diagnostic, team.manager)

    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=False)

    assert DiagnosticScore.objects.filter(diagnostic=team.diagnostic).exists()
    assert not PeerEntry.objects.exists()


def test_demo_clusters_never_enter_the_live_cohort(team):
    team.cluster.is_demo = True
    team.cluster.save()
    answer_everything(team.diagnostic, team.manager)

    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)

    assert PeerEntry.objects.get().cohort == "demo"
    assert not PeerEntry.objects.filter(cohort="live").exists()
    team.diagnostic.refresh_from_db()
    assert team.diagnostic.benchmark_consent is False


def test_a_cluster_counts_once_with_its_latest_submitted_run(team):
    answer_everything(team.diagnostic, team.manager)
    diagnostic_services.diagnostic_submit(diagnostic=team.diagnostic, user=team.manager,
                                          benchmark_consent=True)
    run2 = diagnostic_services.diagnostic_start(cluster=team.cluster, user=team.manager)

    diagnostic_services.diagnostic_submit(diagnostic=run2, user=team.manager,
                                          benchmark_consent=True)

    assert list(PeerEntry.objects.values_list("diagnostic", flat=True)) == [run2.pk]


def test_the_demo_cohort_is_generated_and_labelled(settings):
    from benchmark.demo import demo_cohort_generate

    assert demo_cohort_generate(count=12) == 12
    assert demo_cohort_generate(count=12) == 0

    assert PeerEntry.objects.filter(cohort="demo").count() == 12
    assert not PeerEntry.objects.filter(cohort="live").exists()
    assert SegmentDistribution.objects.filter(cohort="demo", segment=segment_key()).exists()


def test_refresh_task_runs_through_celery_inline():
    seed_entries(6, seed=5)

    from benchmark.tasks import task_refresh_peer_statistics

    assert task_refresh_peer_statistics.delay(cohort="live").get() == {"cohort": "live",
                                                                       "entries": 6}


def test_seed_command_is_not_needed_for_the_method(capsys):
    call_command("load_reference_study")

    assert "already present" in capsys.readouterr().out


def test_a_refresh_request_already_covered_by_a_later_refresh_is_skipped():
    from django.utils import timezone

    from benchmark.tasks import task_refresh_peer_statistics

    seed_entries(6, seed=9)
    requested = timezone.now()
    services.statistics_refresh(cohort="live")

    skipped = task_refresh_peer_statistics.delay(cohort="live",
                                                 requested_at=requested.isoformat()).get()
    later = task_refresh_peer_statistics.delay(cohort="live",
                                               requested_at=timezone.now().isoformat()).get()

    assert skipped == {"cohort": "live", "skipped": True}
    assert later == {"cohort": "live", "entries": 6}


def test_a_refresh_that_keeps_meeting_changes_is_asked_again_later(monkeypatch):
    """A busy moment (peers leaving while each snapshot is read) ends in a later retry,
    not in a failed task: no other refresh is asked for until the next submission."""
    from celery.exceptions import Retry
    from django.db import OperationalError

    from benchmark.tasks import REFRESH_RETRY_SECONDS, task_refresh_peer_statistics

    reads, asked = [], {}

    def changed_meanwhile(**kwargs):
        reads.append(kwargs)
        raise OperationalError("could not serialize access due to concurrent delete")

    def retry(**kwargs):
        asked.update(kwargs)
        return Retry()

    monkeypatch.setattr(services, "statistics_refresh", changed_meanwhile)
    monkeypatch.setattr(task_refresh_peer_statistics, "retry", retry)

    with pytest.raises(Retry):
        task_refresh_peer_statistics(cohort="live")

    assert len(reads) == 3 and asked == {"countdown": REFRESH_RETRY_SECONDS}


@pytest.mark.django_db(transaction=True)
def test_a_refresh_asked_while_another_runs_is_asked_again_later(monkeypatch):
    """Two worker processes never publish a cohort's release at once: the second one gives
    its process back (to the PDFs) and asks again after a few seconds."""
    import psycopg
    from celery.exceptions import Retry
    from django.db import connection

    from benchmark.models import StatisticsState
    from benchmark.tasks import REFRESH_RETRY_SECONDS, task_refresh_peer_statistics

    seed_entries(6, seed=13)
    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return Retry()

    monkeypatch.setattr(task_refresh_peer_statistics, "retry", retry)
    db = connection.settings_dict
    # The first refresh, as another worker process holds it.
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"],
                         host=db["HOST"], port=db["PORT"]) as first:
        first.execute("SELECT pg_advisory_xact_lock(%s)",
                      [services.refresh_lock_key("live")])
        with pytest.raises(Retry):
            task_refresh_peer_statistics(cohort="live")
        with pytest.raises(services.RefreshRunning):
            services.statistics_refresh(cohort="live", wait=False)
        assert asked == {"countdown": REFRESH_RETRY_SECONDS}
        assert not StatisticsState.objects.filter(cohort="live").exists()
        # Another cohort is not held up.
        assert services.statistics_refresh(cohort="demo", wait=False).entries == 0

    assert task_refresh_peer_statistics(cohort="live") == {"cohort": "live", "entries": 6}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_submitting_refreshes_the_peer_statistics_through_the_real_worker(
        celery_worker, reference_data):
    import time

    from benchmark.models import StatisticsState
    from tests.factories import MembershipFactory

    seed_entries(5, seed=41)
    manager = MembershipFactory().user
    cluster = diagnostic_services.cluster_create(
        user=manager, name="Worker cluster", country="FR", sector="ict",
        governance="bottom_up", companies=30, research_institutes=1, universities=1, jobs=900)
    diagnostic = cluster.diagnostics.get()
    answer_everything(diagnostic, manager)

    diagnostic_services.diagnostic_submit(diagnostic=diagnostic, user=manager,
                                          benchmark_consent=True)

    deadline = time.monotonic() + 30
    while not StatisticsState.objects.filter(cohort="live").exists():
        assert time.monotonic() < deadline, "the worker did not refresh the statistics"
        time.sleep(0.2)
    assert StatisticsState.objects.get(cohort="live").entries == 6
    assert SegmentDistribution.objects.get(cohort="live", segment=segment_key(),
                                           dimension="overall").n == 6


def _cohort(cells):
    entries = seed_entries(len(cells), seed=41)
    for entry, (sector, size) in zip(entries, cells, strict=True):
        PeerEntry.objects.filter(pk=entry.pk).update(sector=sector, size_band=size,
                                                     governance="bottom_up", country="FR")
    return entries


def _published():
    return set(SegmentDistribution.objects.values_list("segment", flat=True))


def test_the_refresh_never_publishes_a_total_and_all_but_one_of_its_parts():
    """The issue's counter-example: 10 in ICT, 1 in health, 1 in mobility."""
    _cohort([("ict", "small")] * 10 + [("health", "small"), ("mobility", "small")])

    services.statistics_refresh(cohort=Cohort.LIVE)

    published = _published()
    assert not {segment_key(), segment_key(sector="ict")} <= published
    assert segment_key() in published  # the finer group goes first
    assert set(SegmentShare.objects.values_list("segment", flat=True)) <= published


def test_the_refresh_closes_the_bridge_across_two_filters():
    """31 peers: energy 6 (4 medium), medium 29; the 4 are never 2 + 14 - 15 away."""
    _cohort([("energy", "medium")] * 4 + [("energy", "small")] * 2 + [("ict", "medium")] * 25)

    services.statistics_refresh(cohort=Cohort.LIVE)

    assert not {segment_key(), segment_key(sector="energy"),
                segment_key(size="medium")} <= _published()


def test_a_withdrawal_takes_the_groups_down_at_once_and_never_shows_as_a_difference_of_one():
    entries = _cohort([("ict", "small")] * 11)
    services.statistics_refresh(cohort=Cohort.LIVE)
    assert SegmentDistribution.objects.filter(segment=segment_key()).first().n == 11

    # Its diagnostic is no longer counted (not scored: as good as a withdrawal).
    services.peer_entry_sync(cluster=entries[0].cluster)

    assert segment_key() not in _published()  # at once, before any refresh
    assert not SegmentShare.objects.filter(segment=segment_key()).exists()
    departure = PeerDeparture.objects.get()
    assert departure.withdrawn and departure.joined_release == 1
    services.statistics_refresh(cohort=Cohort.LIVE)
    assert segment_key() not in _published()  # 10 = 11 - 1 would give it away
    for entry in entries[1:5]:
        services.peer_entry_sync(cluster=entry.cluster)
    services.statistics_refresh(cohort=Cohort.LIVE)
    assert SegmentDistribution.objects.filter(segment=segment_key()).first().n == 6
    assert PublishedSegment.objects.get(segment=segment_key()).computed_release == 3


def test_fewer_than_five_new_peers_leave_the_published_figures_as_they_were():
    _cohort([("ict", "small")] * 8)
    services.statistics_refresh(cohort=Cohort.LIVE)
    before = {(d.segment, d.dimension): d.cut_points for d in SegmentDistribution.objects.all()}

    seed_entries(4, seed=43)
    services.statistics_refresh(cohort=Cohort.LIVE)

    after = {(d.segment, d.dimension): d.cut_points for d in SegmentDistribution.objects.all()}
    assert after == before
    assert SegmentDistribution.objects.filter(segment=segment_key()).first().n == 8
