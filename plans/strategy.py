"""The strategy of one diagnostic: gathering what the pure rules of plans.rules need
(answers, scores, peer gaps, the playbook), and wording the result with its "why" in the
user's language. A plan keeps the result as JSON, so it reads the same later."""

from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries

from benchmark.markets import Market, market_facts
from benchmark.models import Cohort, DiagnosticScore, SegmentDistribution
from benchmark.scoring import quartiles
from benchmark.segments import segment_key
from clusterdiag.language import pick_text
from diagnostic.models import Answer, Diagnostic, Option, Question

from .models import MarketShortlist, PlaybookVersion
from .playbook.load import playbook_read
from .rules import Strategy, build_strategy


@dataclass
class StrategyContext:
    diagnostic: Diagnostic
    version: PlaybookVersion
    playbook: dict
    answers: dict
    scores: dict
    gaps: dict
    strategy: Strategy
    markets: list[Market] = field(default_factory=list)  # in the team's order, kept ones
    candidates: list[Market] = field(default_factory=list)  # every market, ranked by score
    shortlist: MarketShortlist | None = None

    def as_json(self) -> dict:
        return {"phase": self.strategy.phase,
                "phase_triggers": [asdict(t) for t in self.strategy.phase_triggers],
                "recommendations": [asdict(r) for r in self.strategy.recommendations],
                "scores": self.scores, "gaps": {k: list(v) for k, v in self.gaps.items()}}

    def statement(self, language: str) -> str:
        return strategy_statement(self.as_json(), self.playbook, language)


def peer_gaps(diagnostic: Diagnostic, dimensions: dict) -> dict:
    """{dimension: (own score, peer median)} from the published statistics of all peers."""
    cohort = Cohort.DEMO if diagnostic.cluster.is_demo else Cohort.LIVE
    rows = SegmentDistribution.objects.filter(cohort=cohort, segment=segment_key())
    return {row.dimension: (dimensions[row.dimension], quartiles(row.cut_points)[1])
            for row in rows if row.dimension in dimensions and row.cut_points}


def ordered_markets(candidates: list[Market], saved: list[str] | None) -> list[Market]:
    """The markets in the team's saved order (the ones it dropped left out), else ranked by
    score."""
    if saved is None:
        return list(candidates)
    by_code = {m.country: m for m in candidates}
    return [by_code[code] for code in saved if code in by_code]


def strategy_for_diagnostic(diagnostic: Diagnostic,
                            version: PlaybookVersion | None = None) -> StrategyContext:
    version = version or PlaybookVersion.objects.current()
    playbook = playbook_read(version)
    answers = dict(Answer.objects.filter(diagnostic=diagnostic)
                   .values_list("question__key", "value"))
    score = DiagnosticScore.objects.filter(diagnostic=diagnostic).first()
    scores = {"overall": score.overall, "band": score.band,
              "dimensions": score.dimensions} if score else {"dimensions": {}}
    gaps = peer_gaps(diagnostic, scores["dimensions"])
    home = (diagnostic.profile or {}).get("country") or diagnostic.cluster.country.code or ""
    cohort = Cohort.DEMO if diagnostic.cluster.is_demo else Cohort.LIVE
    candidates = market_facts(home=home, answers=answers, cohort=cohort)
    shortlist = MarketShortlist.objects.filter(diagnostic=diagnostic).first()
    markets = ordered_markets(candidates, shortlist.countries if shortlist else None)
    strategy = build_strategy(
        answers=answers, scores=scores, playbook=playbook, gaps=gaps,
        markets=[{"country": m.country, "shared_languages": m.shared_languages}
                 for m in markets])
    return StrategyContext(diagnostic=diagnostic, version=version, playbook=playbook,
                           answers=answers, scores=scores, gaps=gaps, strategy=strategy,
                           markets=markets, candidates=candidates, shortlist=shortlist)


def _items(playbook: dict, kind: str) -> dict[str, dict]:
    if kind == "barrier":
        return {m["barrier"]: m for m in playbook["barrier_measures"]}
    name = {"instrument": "instruments", "funding": "funding_options",
            "phase": "phases"}[kind]
    return {item["key"]: item for item in playbook[name]}


def strategy_statement(strategy: dict, playbook: dict, language: str) -> str:
    """A short paragraph the team can then rewrite in its own words."""
    phases = _items(playbook, "phase")
    recs = strategy["recommendations"]

    def titles(kind, limit):
        items = _items(playbook, kind)
        chosen = [pick_text(items[r["key"]]["title"], language)
                  for r in recs if r["kind"] == kind and r["key"] in items]
        return ", ".join(chosen[:limit])

    with override(language):
        parts = [_("Start from the phase “%(phase)s”.") % {
            "phase": pick_text(phases[strategy["phase"]]["title"], language)}]
        instruments = titles("instrument", 3)
        if instruments:
            parts.append(_("Use first: %(items)s.") % {"items": instruments})
        barriers = titles("barrier", 3)
        if barriers:
            parts.append(_("Reduce the barriers you named: %(items)s.") % {"items": barriers})
        funding = titles("funding", 2)
        if funding:
            parts.append(_("Seek funding from: %(items)s.") % {"items": funding})
    return " ".join(parts)


@dataclass
class RecommendationView:
    kind: str
    kind_label: str
    key: str
    priority: int
    title: str
    description: str
    reasons: list[str] = field(default_factory=list)
    own_idea: str = ""  # the team's idea for reducing a barrier, shown beside ours


def _questionnaire(version_id: int) -> tuple[dict, dict]:
    """The questions and options of a questionnaire version a diagnostic uses, by key, read
    once per process: a version in use is frozen (a copy is edited instead). Labels are
    read from them in the language of each request."""
    key = f"plans.questionnaire:{version_id}"
    found = cache.get(key)
    if found is None:
        found = ({q.key: q for q in Question.objects.filter(section__version=version_id)},
                 {o.key: o for o in Option.objects.filter(question__section__version=version_id)})
        cache.set(key, found, None)
    return found


class Wording:
    """Words for the triggers of a stored strategy: question and option labels from the
    diagnostic's questionnaire, dimension labels from the scoring method."""

    def __init__(self, diagnostic: Diagnostic, method: dict | None, playbook: dict):
        self.questions, options = _questionnaire(diagnostic.version_id)
        self.options = {key: option.label for key, option in options.items()}
        self.dimensions = {d["key"]: pick_text(d["label"]) for d in (method or {}).get(
            "dimensions", [])}
        self.phases = {p["key"]: pick_text(p["title"]) for p in playbook["phases"]}

    def _value(self, value) -> str:
        if isinstance(value, list):
            return ", ".join(self.options.get(v, str(v)) for v in value) or _("nothing chosen")
        return self.options.get(value, str(value))

    def reason(self, trigger: dict) -> str:
        kind, key, value = trigger["kind"], trigger["key"], trigger.get("value")
        if kind == "language":
            return _("Your working languages are not official in: %(countries)s.") % {
                "countries": ", ".join(str(countries.name(c) or c) for c in value or [])}
        if kind == "answer" and key == "phase":
            return _("It fits the phase you start from: %(phase)s.") % {
                "phase": self.phases.get(value, value)}
        if kind == "answer":
            question = self.questions.get(key)
            label = question.label if question else key
            return _("You answered “%(question)s”: %(answer)s.") % {
                "question": label, "answer": self._value(value)}
        dimension = self.dimensions.get(key, key)
        if kind == "score":
            return _("Your %(dimension)s score is %(score)s out of 100.") % {
                "dimension": dimension, "score": round(value)}
        own, median = value
        return _("Your %(dimension)s score (%(score)s) is below the median of peer "
                 "clusters (%(median)s).") % {"dimension": dimension, "score": round(own),
                                              "median": round(median)}


def describe(strategy: dict, playbook: dict, wording: Wording,
             answers: dict | None = None) -> dict:
    """Everything the strategy section of a page or of the PDF shows."""
    kind_labels = {"instrument": _("Instrument"), "barrier": _("Counter-measure"),
                   "funding": _("Funding")}
    recommendations = []
    for rec in strategy["recommendations"]:
        item = _items(playbook, rec["kind"]).get(rec["key"])
        if item is None:
            continue
        recommendations.append(RecommendationView(
            kind=rec["kind"], kind_label=kind_labels[rec["kind"]], key=rec["key"],
            priority=rec["priority"], title=pick_text(item["title"]),
            description=pick_text(item["description"]),
            reasons=[wording.reason(t) for t in rec["triggers"]],
            own_idea=str((answers or {}).get(f"reduce_{rec['key']}") or "")
            if rec["kind"] == "barrier" else ""))
    phase = _items(playbook, "phase")[strategy["phase"]]
    return {
        "phase": {"key": strategy["phase"], "title": pick_text(phase["title"]),
                  "description": pick_text(phase["description"]),
                  "reasons": [wording.reason(t) for t in strategy["phase_triggers"]]},
        "phases": [{"key": p["key"], "title": pick_text(p["title"]),
                    "current": p["key"] == strategy["phase"]} for p in playbook["phases"]],
        "recommendations": recommendations,
        "by_kind": {kind: [r for r in recommendations if r.kind == kind]
                    for kind in ("instrument", "barrier", "funding")},
    }
