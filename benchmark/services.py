"""Writes of the benchmark app: scores, the peer cohorts and their statistics."""

import zlib

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from clusterdiag.language import merge_nested_texts
from clusterdiag.queue import send_task_on_commit
from diagnostic.models import Answer, Cluster, Diagnostic, Question

from . import disclosure, rescoring, runs, scoring
from .models import (
    Cohort,
    DiagnosticScore,
    PeerChoice,
    PeerDeparture,
    PeerEntry,
    PublishedSegment,
    RunPeerPosition,
    ScoringMethod,
    SegmentDistribution,
    SegmentShare,
    StatisticsState,
    min_group_size,
)
from .reference import method_files, read_reference_file, reference_texts_refresh
from .segments import ATTRIBUTES, grouping_sets, segment_key

# Target countries too: the shortlist shows how many published peers target a country.
CHOICE_KINDS = [Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.COUNTRIES]


def scoring_method_load(*, data: dict, apps=None):
    """Store a method version (idempotent) and make it current; used by a migration."""
    model = apps.get_model("benchmark", "ScoringMethod") if apps else ScoringMethod
    method, created = model.objects.get_or_create(code=data["code"],
                                                  defaults={"definition": data})
    if created:
        model.objects.exclude(pk=method.pk).update(is_current=False)
        model.objects.filter(pk=method.pk).update(is_current=True)
    return method


def scoring_method_texts_refresh(*, data: dict, apps=None, overwrite: bool = False) -> int:
    """Store the texts of a method file in every language it has, in the stored method's
    definition (items and bands matched by key); weights and rules are never changed, so
    scores already computed stay true. Returns 1 when the method changed, else 0."""
    model = apps.get_model("benchmark", "ScoringMethod") if apps else ScoringMethod
    method = model.objects.filter(code=data["code"]).first()
    if method is None:
        return 0
    merged = merge_nested_texts(method.definition, data, overwrite=overwrite)
    if merged == method.definition:
        return 0
    method.definition = merged
    method.save(update_fields=["definition"])
    return 1


def benchmark_files_refresh(*, apps=None, overwrite: bool = False) -> int:
    """The texts of the shipped study and method files, in every language they have, into
    the database (see reference_texts_refresh and scoring_method_texts_refresh)."""
    changed = reference_texts_refresh(data=read_reference_file(), apps=apps or global_apps,
                                      overwrite=overwrite)
    return changed + sum(scoring_method_texts_refresh(
        data=read_reference_file(name), apps=apps, overwrite=overwrite)
        for name in method_files())


@transaction.atomic
def diagnostic_score(*, diagnostic: Diagnostic) -> DiagnosticScore:
    """Compute and store the index of a submitted diagnostic with the current method."""
    method = ScoringMethod.objects.get(is_current=True)
    scores = scoring.score_answers(method.definition, rescoring.answers_by_key(diagnostic))
    score, _created = DiagnosticScore.objects.update_or_create(
        diagnostic=diagnostic,
        defaults={"method": method, "overall": scores.overall, "dimensions": scores.dimensions,
                  "items": scores.items, "band": scores.band})
    return score


@transaction.atomic
def diagnostic_rescore(*, diagnostic: Diagnostic) -> DiagnosticScore:
    """Re-score a submitted run under the current method, at its team's request (a score
    otherwise keeps the method it was computed with). Idempotent: the row is locked, and a
    run already scored under the current method (a double click) is left as it is."""
    score = (DiagnosticScore.objects.select_for_update().select_related("method")
             .get(diagnostic=diagnostic))
    if score.method.is_current:
        return score
    score = diagnostic_score(diagnostic=diagnostic)
    peer_entry_sync(cluster=diagnostic.cluster)
    return score


def _cohort_of(cluster: Cluster, diagnostic: Diagnostic) -> str | None:
    if cluster.is_demo:
        return Cohort.DEMO
    return Cohort.LIVE if diagnostic.benchmark_consent else None


def _departure(entry: PeerEntry, *, withdrawn: bool) -> PeerDeparture | None:
    """Remember which groups a leaving entry was counted in (never its answers). An entry
    that no release counted yet leaves nothing to remember."""
    if entry.joined_release is None:
        return None
    return PeerDeparture.objects.create(
        cohort=entry.cohort, cluster_id=entry.cluster_id, diagnostic_id=entry.diagnostic_id,
        sector=entry.sector, governance=entry.governance, country=entry.country,
        size_band=entry.size_band, joined_release=entry.joined_release, withdrawn=withdrawn)


def _take_down(entry: PeerEntry) -> None:
    """A withdrawal takes effect at once: every published group that counted the entry
    goes, until a refresh can publish it again under the rules of the audit."""
    cell = (entry.sector, entry.governance, entry.country, entry.size_band)
    segments = disclosure.withdrawal_segments(cell)
    SegmentDistribution.objects.filter(cohort=entry.cohort, segment__in=segments).delete()
    SegmentShare.objects.filter(cohort=entry.cohort, segment__in=segments).delete()
    PublishedSegment.objects.filter(cohort=entry.cohort, segment__in=segments).update(
        shown=False)
    # A new date renews the cached results pages, which must not show those groups either.
    StatisticsState.objects.filter(cohort=entry.cohort).update(refreshed_at=timezone.now())


@transaction.atomic
def peer_entry_sync(*, cluster: Cluster) -> PeerEntry | None:
    """Make the cluster's place in its cohort match its latest submitted diagnostic and
    that diagnostic's consent (demo clusters only ever go to the demo cohort)."""
    latest = (cluster.diagnostics.submitted().select_related("score")
              .order_by("-run").first())
    cohort = None
    if latest is not None and hasattr(latest, "score"):
        cohort = _cohort_of(cluster, latest)
    if cohort is not None:
        method, scores = rescoring.peer_scores(latest)
    old = PeerEntry.objects.filter(cluster=cluster).first()
    if old is not None:
        if cohort is not None and old.diagnostic_id == latest.pk and old.cohort == cohort:
            # The same unit stays; only its scores may follow a re-score on request.
            if rescoring.set_scores(old, method, scores):
                old.save(update_fields=["method", "overall", *scoring.DIMENSIONS])
            return old
        withdrawn = cohort is None
        _departure(old, withdrawn=withdrawn)
        if withdrawn:
            _take_down(old)
        old.delete()
    if cohort is None:
        return None
    profile = latest.profile
    members = sum(profile.get(k) or 0 for k in
                  ("companies", "research_institutes", "universities", "other_members"))
    entry = PeerEntry.objects.create(
        cohort=cohort, cluster=cluster, diagnostic=latest, sector=profile["sector"],
        governance=profile["governance"], country=profile["country"],
        size_band=scoring.size_band(members), method=method, overall=scores.overall,
        **{d: scores.dimensions[d] for d in scoring.DIMENSIONS})
    choices = []
    for key, value in (Answer.objects.filter(diagnostic=latest, question__kind__in=CHOICE_KINDS)
                       .exclude(value=None).values_list("question__key", "value")):
        for option in [value] if isinstance(value, str) else value:
            choices.append(PeerChoice(entry=entry, question_key=key, option_key=option))
    PeerChoice.objects.bulk_create(choices)
    return entry


REFRESH_TASK = "benchmark.tasks.task_refresh_peer_statistics"


def schedule_statistics_refresh(cohort: str) -> None:
    """Recompute peer statistics once the current transaction has committed. A broker
    that is down only delays the refresh: the next submission or withdrawal sends one
    again."""
    send_task_on_commit(REFRESH_TASK, cohort=cohort, requested_at=timezone.now().isoformat())


def peer_position_record(*, diagnostic: Diagnostic, overall: float) -> RunPeerPosition:
    """Keep where the run stands among the peer groups published now, for comparing runs
    later: the statistics tables only hold the latest release."""
    cohort, positions = runs.peer_positions(diagnostic, overall)
    state = StatisticsState.objects.filter(cohort=cohort).first()
    position, _created = RunPeerPosition.objects.update_or_create(
        diagnostic=diagnostic, defaults={"cohort": cohort, "positions": positions,
                                         "release": state.release if state else 0})
    return position


def after_submit(*, diagnostic: Diagnostic) -> None:
    score = diagnostic_score(diagnostic=diagnostic)
    peer_position_record(diagnostic=diagnostic, overall=score.overall)
    entry = peer_entry_sync(cluster=diagnostic.cluster)
    if entry is not None:
        schedule_statistics_refresh(entry.cohort)


def after_cluster_deleted(*, cluster: Cluster) -> None:
    cohort = PeerEntry.objects.filter(cluster=cluster).values_list("cohort", flat=True).first()
    if cohort is not None:
        schedule_statistics_refresh(cohort)


@transaction.atomic
def consent_set(*, diagnostic: Diagnostic, consent: bool) -> Diagnostic:
    """Join or leave the live peer benchmark."""
    Diagnostic.objects.filter(pk=diagnostic.pk).update(benchmark_consent=consent)
    diagnostic.benchmark_consent = consent
    peer_entry_sync(cluster=diagnostic.cluster)
    schedule_statistics_refresh(Cohort.LIVE)
    return diagnostic


# --- Statistics, computed in the database -----------------------------------------------------

_TABLE = PeerEntry._meta.db_table
_COLUMNS = {"sector": "sector", "governance": "governance", "country": "country",
            "size": "size_band"}


def _key(row_attrs: dict) -> str:
    return segment_key(**{a: row_attrs[a] for a in ATTRIBUTES if a in row_attrs})


def _cut_points(cohort: str, attrs: tuple, min_group: int):
    """Discrete percentiles of every score per group, with window functions and integer
    arithmetic: the same exact result on PostgreSQL and SQLite (percentile_disc with
    float fractions rounds some positions differently).

    The cut point at p % is the value at rank ceil(p * n / 100). A rank is therefore a cut
    point when some integer p lies in (100 (rank - 1) / n, 100 rank / n], which the WHERE
    clause tests without a join; Python then spreads each row over the p it stands for."""
    columns = [_COLUMNS[a] for a in attrs]
    partition = f"PARTITION BY {', '.join(columns)}" if columns else ""
    last = scoring.PERCENTILES - 1
    cols = "".join(f"{c}, " for c in columns)
    results: dict[tuple, dict] = {}
    for score in scoring.SCORES:
        sql = (
            f"SELECT {cols}n, rn, value FROM ("  # noqa: S608 - fixed names
            f"  SELECT {cols}{score} AS value,"
            f"    ROW_NUMBER() OVER ({partition} ORDER BY {score}) AS rn,"
            f"    COUNT(*) OVER ({partition}) AS n"
            f"  FROM {_TABLE} WHERE cohort = %s) ranked"
            f" WHERE n >= %s AND (rn = 1 OR ({last} * rn) / n > ({last} * (rn - 1)) / n)")
        with connection.cursor() as cursor:
            cursor.execute(sql, [cohort, min_group])
            for row in cursor.fetchall():
                group = tuple(row[:len(attrs)])
                n, rank, value = row[len(attrs):]
                entry = results.setdefault(group, {"n": n, "cuts": {}})
                cuts = entry["cuts"].setdefault(score, [None] * scoring.PERCENTILES)
                first = 0 if rank == 1 else (last * (rank - 1)) // n + 1
                for p in range(first, (last * rank) // n + 1):
                    cuts[p] = value
    for group, entry in results.items():
        yield _key(dict(zip(attrs, group, strict=True))), entry["n"], entry["cuts"]


def cut_points_in_database(cohort: str, min_group: int):
    """(segment, n, {score: cut points}) for every segment of at least min_group peers."""
    for attrs in grouping_sets():
        yield from _cut_points(cohort, attrs, min_group)


def _shares(cohort: str, shown: set[str]):
    for attrs in grouping_sets():
        fields = [f"entry__{_COLUMNS[a]}" for a in attrs]
        rows = (PeerChoice.objects.filter(entry__cohort=cohort)
                .values(*fields, "question_key", "option_key")
                # A peer chooses an option at most once: counting rows counts peers.
                .annotate(count=Count("id")))
        for row in rows:
            key = _key({a: row[f"entry__{_COLUMNS[a]}"] for a in attrs})
            if key in shown:
                yield key, row["question_key"], row["option_key"], row["count"]


_UNITS_SQL = f"""
SELECT sector, governance, country, size_band, joined_release, COUNT(*)
FROM {_TABLE} e WHERE cohort = %s AND NOT EXISTS (
  SELECT 1 FROM {PeerDeparture._meta.db_table} d
  WHERE d.cohort = e.cohort AND d.cluster_id = e.cluster_id)
GROUP BY sector, governance, country, size_band, joined_release
"""  # noqa: S608 - fixed names


def _units(cohort: str, release: int) -> list[disclosure.Units]:
    """The units of the cohort with their history, for the audit: entries of clusters that
    never left in groups (one query), the few with a past one by one."""
    units = []
    with connection.cursor() as cursor:
        cursor.execute(_UNITS_SQL, [cohort])
        for sector, governance, country, size, joined, count in cursor.fetchall():
            units.append(disclosure.Units((sector, governance, country, size),
                                          ((joined or release, None),), count))
    spans: dict[int, list] = {}
    cells: dict[int, tuple] = {}
    clusters: dict[int, int] = {}
    withdrawn: dict[int, bool] = {}
    for d in PeerDeparture.objects.filter(cohort=cohort):
        spans.setdefault(d.diagnostic_id, []).append((d.joined_release,
                                                      d.left_release or release))
        cells[d.diagnostic_id] = (d.sector, d.governance, d.country, d.size_band)
        clusters[d.diagnostic_id] = d.cluster_id
        withdrawn[d.diagnostic_id] = d.withdrawn
    for e in PeerEntry.objects.filter(cohort=cohort, cluster_id__in=set(clusters.values())):
        spans.setdefault(e.diagnostic_id, []).append((e.joined_release or release, None))
        cells[e.diagnostic_id] = (e.sector, e.governance, e.country, e.size_band)
        clusters[e.diagnostic_id] = e.cluster_id
        withdrawn[e.diagnostic_id] = False  # counted again: its team agreed again
    for diagnostic_id, unit_spans in spans.items():
        units.append(disclosure.Units(cells[diagnostic_id], tuple(sorted(unit_spans)), 1,
                                      clusters[diagnostic_id], withdrawn[diagnostic_id]))
    return units


class RefreshRunning(Exception):
    """Another process is publishing a release of this cohort right now."""


def refresh_lock_key(cohort: str) -> int:
    """The PostgreSQL advisory lock of a cohort's refresh: the same number in every process
    and release (a signed 32-bit number, as pg_try_advisory_xact_lock takes)."""
    return zlib.crc32(f"clusterdiag peer statistics {cohort}".encode()) - 2**31


def statistics_refresh(*, cohort: str, wait: bool = True) -> StatisticsState:
    """See _statistics_refresh. Every query of a refresh of its own reads the same snapshot,
    so that the audit and the figures count the same peers while submissions go on (inside
    a caller's transaction, that transaction decides).

    One refresh of a cohort at a time: two at once (two worker processes) would each audit
    and write a whole release, collide on the unique figures, and one would start over. A
    second one waits for the first, or with wait=False raises RefreshRunning at once (the
    worker's task asks again later, when the first one's release may already cover it,
    instead of holding a worker process that PDFs need)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
                cursor.execute(f"SELECT {lock}(%s)::text", [refresh_lock_key(cohort)])
                if cursor.fetchone()[0] == "false":
                    raise RefreshRunning(cohort)
        return _statistics_refresh(cohort=cohort)


def _statistics_refresh(*, cohort: str) -> StatisticsState:
    """Publish a new release of the peer statistics of a cohort: decide which figure every
    group shows (benchmark.disclosure: the rules across releases and the audit), compute the
    new ones in the database, and replace the old ones in one transaction: readers see
    either the old or the new release."""
    started = timezone.now()
    min_group = min_group_size()
    state = StatisticsState.objects.filter(cohort=cohort).first()
    release = (state.release if state else 0) + 1
    previous = {p.segment: disclosure.Shown(p.computed_release, p.shown_release, p.shown)
                for p in PublishedSegment.objects.filter(cohort=cohort)}
    method = ScoringMethod.objects.get(is_current=True)
    rescoring.peers_rescore(cohort=cohort, method=method)
    units = _units(cohort, release)
    plan = disclosure.plan_release(units=units, previous=previous, release=release,
                                   min_group=min_group)
    counts: dict[str, int] = {}
    for unit in units:
        if unit.present(release):
            for key in disclosure.cell_segments(unit.cell):
                counts[key] = counts.get(key, 0) + unit.count
    # A kept figure of an older method is computed again under the current one when its
    # units are exactly the same (the same set, already published); otherwise it keeps its
    # method until enough clusters change, and only runs of that method compare with it.
    renewed = plan.unchanged & set(
        SegmentDistribution.objects.filter(cohort=cohort, dimension="overall")
        .exclude(method=method).values_list("segment", flat=True))
    distributions = [
        SegmentDistribution(cohort=cohort, segment=key, dimension=score, method=method, n=n,
                            cut_points=[float(v) for v in cuts[score]])
        for key, n, cuts in cut_points_in_database(cohort, min_group)
        if key in plan.new or key in renewed
        for score in scoring.SCORES
    ]
    shares = [SegmentShare(cohort=cohort, segment=key, question_key=q, option_key=o,
                           n=counts[key], count=c)
              for key, q, o, c in _shares(cohort, plan.new)]
    # Kept figures stay as they are; every other one goes.
    kept = [s for s, r in plan.figures.items() if s not in plan.new]
    SegmentDistribution.objects.filter(cohort=cohort).exclude(
        segment__in=set(kept) - renewed).delete()
    SegmentShare.objects.filter(cohort=cohort).exclude(segment__in=kept).delete()
    SegmentDistribution.objects.bulk_create(distributions, batch_size=2000)
    SegmentShare.objects.bulk_create(shares, batch_size=5000)
    _record_release(cohort, previous, plan, release)
    PeerEntry.objects.filter(cohort=cohort, joined_release=None).update(joined_release=release)
    PeerDeparture.objects.filter(cohort=cohort, left_release=None).update(left_release=release)
    state, _created = StatisticsState.objects.update_or_create(
        # The start: every change committed before it is in these figures.
        cohort=cohort, defaults={"refreshed_at": started,
                                 "entries": counts.get(segment_key(), 0),
                                 "min_group": min_group, "release": release})
    return state


def _record_release(cohort: str, previous: dict, plan, release: int) -> None:
    rows = []
    for segment, last in previous.items():
        if segment not in plan.figures:
            rows.append(PublishedSegment(cohort=cohort, segment=segment,
                                         computed_release=last.computed,
                                         shown_release=last.shown_in, shown=False))
    for segment, computed in plan.figures.items():
        rows.append(PublishedSegment(cohort=cohort, segment=segment, computed_release=computed,
                                     shown_release=release, shown=True))
    PublishedSegment.objects.filter(cohort=cohort).delete()
    PublishedSegment.objects.bulk_create(rows, batch_size=5000)


def statistics_refresh_needed(*, cohort: str, requested_at) -> bool:
    """False when a refresh that started after the request already covers it: many
    submissions in a row then cost one refresh, not one each."""
    state = StatisticsState.objects.filter(cohort=cohort).first()
    return state is None or state.refreshed_at < requested_at
