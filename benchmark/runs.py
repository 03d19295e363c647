"""A cluster's runs over time and two runs compared: reads that span the diagnostic and the
benchmark, each a fixed number of queries whatever the number of runs."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterdiag.language import pick_text
from diagnostic.display import answer_text
from diagnostic.models import Answer, Cluster, Diagnostic, Option, Question

from . import charts, comparison, scoring
from .models import RunPeerPosition, ScoringMethod, SegmentDistribution
from .results import segment_label
from .segments import segment_key
from .selectors import cohort_for, own_attributes


@dataclass
class RunsOverTime:
    runs: list[Diagnostic]  # submitted, oldest first, with version, score and method
    method: dict | None  # the method every run is re-scored with for the chart
    method_code: str
    rescored: bool  # some run was scored with another method when it was submitted
    scores: dict[int, scoring.Scores]  # by diagnostic id, under `method`


def submitted_runs(cluster: Cluster) -> list[Diagnostic]:
    return list(cluster.diagnostics.submitted()
                .select_related("version", "score__method", "peer_position").order_by("run"))


def answers_by_run(diagnostic_ids: list[int]) -> dict[int, dict[str, object]]:
    """Answers keyed by question key, per run, in one query."""
    answers: dict[int, dict[str, object]] = {pk: {} for pk in diagnostic_ids}
    for diagnostic_id, key, value in Answer.objects.filter(
            diagnostic_id__in=diagnostic_ids).values_list("diagnostic_id", "question__key",
                                                          "value"):
        answers[diagnostic_id][key] = value
    return answers


def common_method(runs: list[Diagnostic]) -> ScoringMethod | None:
    """The method to compare runs under: the latest run's (the one its results show)."""
    scored = [r for r in runs if hasattr(r, "score")]
    return scored[-1].score.method if scored else None


def runs_over_time(cluster: Cluster) -> RunsOverTime:
    runs = submitted_runs(cluster)
    method = common_method(runs)
    if method is None:
        return RunsOverTime(runs, None, "", False, {})
    answers = answers_by_run([r.pk for r in runs])
    scores = {r.pk: comparison.rescore(method.definition, answers[r.pk]) for r in runs}
    rescored = any(hasattr(r, "score") and r.score.method_id != method.pk for r in runs)
    return RunsOverTime(runs, method.definition, method.code, rescored, scores)


def runs_chart(data: RunsOverTime) -> dict:
    dates = [r.submitted_at.date().isoformat() for r in data.runs]
    series = [(_("index"), [data.scores[r.pk].overall for r in data.runs])]
    series += [(pick_text(d["label"]), [data.scores[r.pk].dimensions[d["key"]]
                                        for r in data.runs])
               for d in data.method["dimensions"]]
    return charts.runs_chart(dates=dates, series=series)


def runs_summary(data: RunsOverTime) -> str:
    first, last = data.runs[0], data.runs[-1]
    if first.pk == last.pk:
        return _("One run so far: index %(index)s.") % {
            "index": f"{data.scores[last.pk].overall:.0f}"}
    return _("From run %(first)s to run %(last)s the index went from %(before)s to "
             "%(after)s.") % {"first": first.run, "last": last.run,
                              "before": f"{data.scores[first.pk].overall:.0f}",
                              "after": f"{data.scores[last.pk].overall:.0f}"}


# --- Two runs compared ------------------------------------------------------------------------


@dataclass
class RunComparison:
    before: Diagnostic
    after: Diagnostic
    method_title: str
    rescored: bool
    scores: list[dict]
    answers: list[comparison.AnswerRow]
    peers: list[dict]


def _questions(version_ids: set[int]) -> dict[int, list[Question]]:
    questions: dict[int, list[Question]] = {pk: [] for pk in version_ids}
    for question in (Question.objects.filter(section__version__in=version_ids)
                     .exclude(section__kind="profile")
                     .select_related("section").order_by("section__position", "position")
                     .prefetch_related(Prefetch("options",
                                                queryset=Option.objects.order_by("position")))):
        questions[question.section.version_id].append(question)
    return questions


def _words(question: Question, value) -> str:
    if question.kind == Question.Kind.ROWS:
        count = len(value or [])
        return ngettext("%(count)s row", "%(count)s rows", count) % {"count": count} \
            if count else ""
    return answer_text(question, value)


def _peer_rows(position: RunPeerPosition | None) -> list[dict]:
    if position is None:
        return []
    return [{**p, "label": segment_label(p["segment"])} for p in position.positions]


def compare(before: Diagnostic, after: Diagnostic) -> RunComparison | None:
    """`before` and `after` come from submitted_runs (score, method, version loaded); None
    when neither was scored (a submission whose scoring failed)."""
    method = common_method([before, after])
    if method is None:
        return None
    answers = answers_by_run([before.pk, after.pk])
    rows = comparison.score_rows(method.definition, answers[before.pk], answers[after.pk])
    labels = {"overall": _("index"),
              **{d["key"]: pick_text(d["label"]) for d in method.definition["dimensions"]}}
    questions = _questions({before.version_id, after.version_id})
    ordered = {q.key: q for q in questions[before.version_id]}
    ordered.update({q.key: q for q in questions[after.version_id]})
    # The newer version's order, then what only the older one asked.
    keys = [q.key for q in questions[after.version_id]] + [
        q.key for q in questions[before.version_id] if q.key not in
        {q.key for q in questions[after.version_id]}]
    by_version = {pk: {q.key: q for q in qs} for pk, qs in questions.items()}

    def words(run):
        return {key: _words(q, answers[run.pk].get(key))
                for key, q in by_version[run.version_id].items()}

    answer_rows = comparison.answer_rows(
        [(k, ordered[k].label) for k in keys], words(before), words(after),
        set(by_version[before.version_id]), set(by_version[after.version_id]))
    return RunComparison(
        before=before, after=after, method_title=pick_text(method.definition["title"]),
        rescored=any(getattr(r, "score", None) is None or r.score.method_id != method.pk
                     for r in (before, after)),
        scores=[{"key": r.key, "label": labels[r.key], "before": r.before, "after": r.after,
                 "change": r.change} for r in rows],
        answers=answer_rows,
        peers=[{"run": run, "recorded": getattr(run, "peer_position", None) is not None,
                "rows": _peer_rows(getattr(run, "peer_position", None))}
               for run in (before, after)])


# --- Recording the peer position of a run -----------------------------------------------------


def peer_positions(diagnostic: Diagnostic, overall: float) -> tuple[str, list[dict]]:
    """The run among the groups published now (all peers, its sector, its governance
    type), with the same figures as its results page: n, median and its percentile."""
    cohort = cohort_for(diagnostic)
    attrs = own_attributes(diagnostic)
    segments = [segment_key(), segment_key(sector=attrs["sector"]),
                segment_key(governance=attrs["governance"])]
    published = {row.segment: row for row in SegmentDistribution.objects.filter(
        cohort=cohort, segment__in=segments, dimension="overall")}
    return cohort, [{"segment": s, "n": published[s].n,
                     "median": scoring.quartiles(published[s].cut_points)[1],
                     "percentile": scoring.percentile_rank(overall, published[s].cut_points)}
                    for s in segments if s in published]


def runs_table(data: RunsOverTime) -> dict:
    """The chart's figures as a table: one row per run, each as submitted (date, version,
    method, index) and re-scored under the common method (index and dimensions)."""
    dimensions = data.method["dimensions"]
    return {"labels": [pick_text(d["label"]) for d in dimensions],
            "rows": [{"run": run, "overall": data.scores[run.pk].overall,
                      "dimensions": [data.scores[run.pk].dimensions[d["key"]]
                                     for d in dimensions]} for run in data.runs]}
