"""Reads that span the diagnostic and the benchmark, for the results and method pages.
Each is a fixed number of queries, whatever the number of stored diagnostics."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterdiag.language import pick_text
from diagnostic.models import (
    Answer,
    Cluster,
    Diagnostic,
    Governance,
    Option,
    Question,
    QuestionnaireVersion,
    Sector,
)

from . import markets, scoring
from .imported_models import ImportedFigure, ImportedReference
from .models import (
    Cohort,
    ReferenceFigure,
    ReferenceStudy,
    ScoringMethod,
    SegmentDistribution,
    SegmentShare,
    StatisticsState,
    min_group_size,
)
from .reference import figures_by_option
from .segments import segment_key

STUDY_KEY = "vdi-vde-it-2007"


@dataclass
class PeerGroup:
    """The published distribution of one group of peers (absent when suppressed)."""

    segment: str
    n: int
    cuts: dict[str, list[float]]

    def median(self, score: str) -> float:
        return scoring.quartiles(self.cuts[score])[1]

    def percentile_of(self, score: str, value: float) -> float:
        return scoring.percentile_rank(value, self.cuts[score])


@dataclass
class ImportedSet:
    """A published imported benchmark set with its figures by option and by dimension."""

    reference: ImportedReference
    options: dict[tuple[str, str], ImportedFigure] = field(default_factory=dict)
    dimensions: dict[str, ImportedFigure] = field(default_factory=dict)


def imported_sets() -> list[ImportedSet]:
    """Every published imported set and its figures, in one query."""
    sets: dict[int, ImportedSet] = {}
    for figure in (ImportedFigure.objects.filter(
            reference__status=ImportedReference.Status.PUBLISHED)
            .select_related("reference").order_by("reference__published_at", "reference",
                                                  "row")):
        found = sets.setdefault(figure.reference_id, ImportedSet(figure.reference))
        if figure.kind == ImportedFigure.Kind.OPTION:
            found.options[(figure.question_key, figure.option_key)] = figure
        else:
            found.dimensions[figure.dimension_key] = figure
    return list(sets.values())


@dataclass
class ResultsData:
    diagnostic: Diagnostic
    method: dict
    cohort: str
    state: StatisticsState | None
    own_segments: dict[str, str]
    chosen_segment: str
    groups: dict[str, PeerGroup]
    shares: dict[tuple[str, str], tuple[int, int]]
    questions: list[Question]
    answers: dict[str, object]
    figures: dict[tuple[str, str], ReferenceFigure]
    study: ReferenceStudy | None
    imported: list[ImportedSet] = field(default_factory=list)
    method_code: str = ""  # the method of the run's score, which the page shows
    current_method_code: str = ""


def own_attributes(diagnostic: Diagnostic) -> dict[str, str]:
    profile = diagnostic.profile
    members = sum(profile.get(k) or 0 for k in
                  ("companies", "research_institutes", "universities", "other_members"))
    return {"sector": profile.get("sector", ""), "governance": profile.get("governance", ""),
            "country": profile.get("country", ""), "size": scoring.size_band(members)}


def view_segments() -> list[str]:
    return [segment_key(sector=v) for v in Sector.values] + [
        segment_key(governance=v) for v in Governance.values]


def cohort_for(diagnostic: Diagnostic) -> str:
    return Cohort.DEMO if diagnostic.cluster.is_demo else Cohort.LIVE


def results_data(diagnostic: Diagnostic, *, filters: dict[str, str]) -> ResultsData:
    cohort = cohort_for(diagnostic)
    attrs = own_attributes(diagnostic)
    own_segments = {
        "all": segment_key(),
        "sector": segment_key(sector=attrs["sector"]),
        "governance": segment_key(governance=attrs["governance"]),
    }
    chosen = segment_key(**filters)
    # Every sector and governance type too, for the study's two views: the same query.
    wanted = {*own_segments.values(), chosen, *view_segments()}
    groups: dict[str, PeerGroup] = {}
    score = diagnostic.score
    # Peers only under the run's own method: figures of another method are not comparable.
    for row in SegmentDistribution.objects.filter(cohort=cohort, segment__in=wanted,
                                                  method_id=score.method_id):
        group = groups.setdefault(row.segment, PeerGroup(row.segment, row.n, {}))
        group.cuts[row.dimension] = row.cut_points
    shares = {(s.question_key, s.option_key): (s.count, s.n)
              for s in SegmentShare.objects.filter(cohort=cohort, segment=chosen)}
    questions = list(
        Question.objects.filter(section__version=diagnostic.version_id,
                                kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE])
        .select_related("section").order_by("section__position", "position")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position"))))
    answers = dict(Answer.objects.filter(diagnostic=diagnostic)
                   .values_list("question__key", "value"))
    study = ReferenceStudy.objects.filter(key=STUDY_KEY).first()
    figures = figures_by_option(study) if study else {}
    current = ScoringMethod.objects.filter(is_current=True).values_list("code", flat=True)
    return ResultsData(
        diagnostic=diagnostic, method=score.method.definition, cohort=cohort,
        state=StatisticsState.objects.filter(cohort=cohort).first(), own_segments=own_segments,
        chosen_segment=chosen, groups=groups, shares=shares, questions=questions,
        answers=answers, figures=figures, study=study, imported=imported_sets(),
        method_code=score.method.code, current_method_code=current.first() or "")


def _method_dimensions(definition: dict, questions: dict[str, Question]) -> list[dict]:
    dimensions = []
    for dimension in definition["dimensions"]:
        items = []
        for item in dimension["items"]:
            question = questions.get(item["question"])
            options = {o.key: o.label for o in question.options.all()} if question else {}
            items.append({
                **item, "label": question.label if question else item["question"],
                "point_list": [(options.get(k, k), v) for k, v in item.get("points", {}).items()],
            })
        dimensions.append({"label": pick_text(dimension["label"]), "items": items})
    return dimensions


DRIVE_KINDS = {"index": gettext_lazy("Index"), "strategy": gettext_lazy("Strategy"),
               "plan": gettext_lazy("Action plan"),
               "shortlist": gettext_lazy("Target-market shortlist"),
               "context": gettext_lazy("Context only")}


def answer_uses(questions: list[Question], definition: dict | None) -> list[dict]:
    """What each question of a version drives, in words, from its `drives` data."""
    dimensions = {d["key"]: pick_text(d["label"]) for d in (definition or {}).get(
        "dimensions", [])}
    rows = []
    for question in questions:
        uses = []
        for drive in question.drives:
            if drive["kind"] == "index":
                text = _("the %(dimension)s score of the index") % {
                    "dimension": dimensions.get(drive["dimension"], drive["dimension"])}
            else:
                text = pick_text(drive.get("text", {}))
            uses.append({"kind": drive["kind"], "kind_label": DRIVE_KINDS.get(drive["kind"], ""),
                         "text": text})
        rows.append({"key": question.key, "label": question.label,
                     "conditional": bool(question.show_if), "uses": uses})
    return rows


def method_page_data() -> dict:
    """The current method with the questions it scores, what every question of the current
    questionnaire drives, and the reference study."""
    method = ScoringMethod.objects.filter(is_current=True).first()
    version = QuestionnaireVersion.objects.current()
    questions = {}
    if version is not None:
        questions = {q.key: q for q in Question.objects.filter(section__version=version)
                     .order_by("section__position", "position").prefetch_related("options")}
    study = ReferenceStudy.objects.filter(key=STUDY_KEY).first()
    figures = list(ReferenceFigure.objects.filter(study__key=STUDY_KEY)
                   .order_by("question_key", "rank", "option_key")) if study else []
    # The study's questions by their questionnaire labels, never by raw keys.
    study_questions = {}
    if version is not None:
        study_questions = {q.study_key: q.label for q in Question.objects.filter(
            section__version=version).exclude(study_key="")}
    context = {"method": method, "study": study, "figures": figures,
               "study_questions": study_questions, "min_group": min_group_size(),
               "answer_uses": answer_uses(list(questions.values()),
                                          method.definition if method else None),
               "version": version, "market_weights": markets.WEIGHTS,
               "market_far_km": markets.FAR_KM}
    if method is not None:
        definition = method.definition
        context.update(
            method_title=pick_text(definition["title"]),
            method_summary=pick_text(definition["summary"]),
            bands=[(b["min"], pick_text(b["label"])) for b in definition["bands"]],
            dimensions=_method_dimensions(definition, questions),
            changes=method_changes(definition, questions))
    return context


def method_changes(definition: dict, questions: dict[str, Question]) -> dict | None:
    """What a method changed from the one before it, in the reader's language, from its
    own data: the text, why, and each changed item's points before and after."""
    changes = definition.get("changes")
    if not changes:
        return None
    items = []
    for item in changes["items"]:
        question = questions.get(item["question"])
        labels = {o.key: o.label for o in question.options.all()} if question else {}
        items.append({
            "label": question.label if question else item["question"],
            "rows": [(labels.get(key, key), before, item["after"].get(key))
                     for key, before in item["before"].items()]})
    return {"from": changes["from"], "text": pick_text(changes["text"]),
            "why": pick_text(changes["why"]), "items": items}


@dataclass(frozen=True)
class ResultsHeader:
    """What a results page needs when its heavy part is already rendered."""

    diagnostic: Diagnostic
    cluster: Cluster
    is_team: bool
    is_submitted: bool
    score_computed_at: object
    statistics_refreshed_at: object
    # The last publication or withdrawal of an imported benchmark set.
    imported_changed_at: object = None
    method_code: str | None = None  # the method of the run's score
    current_method_code: str | None = None

    @property
    def can_rescore(self) -> bool:
        """A newer method exists than the one the run was scored with (the team decides)."""
        return bool(self.method_code and self.current_method_code
                    and self.method_code != self.current_method_code)


# The hot path of the results page, as one hand-written query: building the equivalent
# ORM query (access subqueries, annotations, joins) cost more than the rest of a cached
# page. It applies the same rule as DiagnosticQuerySet.visible_to, and the results access
# matrix in the tests holds both to it.
_RESULTS_HEADER_SQL = """
SELECT d.id, d.run, d.status, d.benchmark_consent, d.cluster_id, c.name, c.is_demo,
       s.computed_at, sm.code,
       (SELECT cm.code FROM benchmark_scoringmethod cm WHERE cm.is_current),
       EXISTS (SELECT 1 FROM diagnostic_membership m
               WHERE m.cluster_id = d.cluster_id AND m.user_id = %s),
       (SELECT st.refreshed_at FROM benchmark_statisticsstate st
        WHERE st.cohort = CASE WHEN c.is_demo THEN 'demo' ELSE 'live' END),
       (SELECT MAX(COALESCE(i.withdrawn_at, i.published_at))
        FROM benchmark_importedreference i WHERE i.published_at IS NOT NULL)
FROM diagnostic_diagnostic d
JOIN diagnostic_cluster c ON c.id = d.cluster_id
LEFT JOIN benchmark_diagnosticscore s ON s.diagnostic_id = d.id
LEFT JOIN benchmark_scoringmethod sm ON sm.id = s.method_id
WHERE d.id = %s AND (%s
  OR EXISTS (SELECT 1 FROM diagnostic_membership m
             WHERE m.cluster_id = d.cluster_id AND m.user_id = %s)
  OR EXISTS (SELECT 1 FROM diagnostic_cluster_facilitators f
             WHERE f.cluster_id = d.cluster_id AND f.user_id = %s))
"""


def results_header(*, pk: int, user) -> ResultsHeader | None:
    """The diagnostic if the user may read it (None otherwise), in one cheap query."""
    if not user.is_authenticated:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_RESULTS_HEADER_SQL,
                       [user.pk, pk, bool(user.is_superuser), user.pk, user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    (diagnostic_id, run, status, consent, cluster_id, name, is_demo, computed_at, method_code,
     current_method_code, is_team, refreshed_at, imported_changed_at) = row
    cluster = Cluster(id=cluster_id, name=name, is_demo=bool(is_demo))
    diagnostic = Diagnostic(id=diagnostic_id, run=run, status=status,
                            benchmark_consent=bool(consent), cluster=cluster)
    return ResultsHeader(diagnostic=diagnostic, cluster=cluster, is_team=bool(is_team),
                         is_submitted=status == Diagnostic.Status.SUBMITTED,
                         score_computed_at=computed_at, statistics_refreshed_at=refreshed_at,
                         imported_changed_at=imported_changed_at,
                         method_code=method_code, current_method_code=current_method_code)
