"""The tailored strategy: rules written as pure functions over a diagnostic's answers, its
scores, optional benchmark gaps and the playbook (a plain dict, as in playbook/v1.json).
Every recommendation carries the answers and gaps that triggered it."""

from dataclasses import dataclass, field

PHASES = ["get_to_know", "build_trust", "joint_projects", "strategic_partnership"]
COOPERATION_ACHIEVEMENTS = {"q9_eu_coop_same_field", "q9_world_coop_same_field", "q9_new_fields"}
# Which instruments serve which motive of the 2007 survey.
MOTIVE_INSTRUMENTS = {
    "q1_market_position": ["international_benchmarking"],
    "q1_new_markets": ["b2b_meetings"],
    "q1_new_knowhow": ["research_profiles", "transnational_calls"],
    "q1_exchange": ["networking_visits"],
}
LOW_SCORE = 40


@dataclass(frozen=True)
class Trigger:
    """Why a recommendation was made: an answer or a benchmark gap, in plain values that
    the page words in the user's language."""

    kind: str  # "answer", "score" or "gap"
    key: str
    value: object = None


@dataclass
class Recommendation:
    kind: str  # "instrument", "barrier", "funding"
    key: str
    priority: int  # 1 = first
    triggers: list[Trigger] = field(default_factory=list)


@dataclass
class Strategy:
    phase: str
    phase_triggers: list[Trigger]
    recommendations: list[Recommendation]


def _chosen(value) -> set[str]:
    if value in (None, "", []):
        return set()
    return {value} if isinstance(value, str) else set(value)


def starting_phase(answers: dict, scores: dict) -> tuple[str, list[Trigger]]:
    """The phase of cooperation to start from, with the answers that decided it."""
    strategy = _chosen(answers.get("current_strategy"))
    achieved = _chosen(answers.get("recent_achievements")) & COOPERATION_ACHIEVEMENTS
    partnership = scores.get("dimensions", {}).get("partnership", 0)
    readiness = answers.get("partnership_readiness")
    partners = answers.get("intl_partner_count") or 0
    if achieved and "q4_concrete_strategy" in strategy and partnership >= 60:
        return "strategic_partnership", [
            Trigger("answer", "recent_achievements", sorted(achieved)),
            Trigger("answer", "current_strategy", "q4_concrete_strategy"),
            Trigger("score", "partnership", partnership)]
    if achieved or "q4_joint_rd" in strategy:
        triggers = [Trigger("answer", "recent_achievements", sorted(achieved))] if achieved else []
        if "q4_joint_rd" in strategy:
            triggers.append(Trigger("answer", "current_strategy", "q4_joint_rd"))
        return "joint_projects", triggers
    contacts = strategy & {"q4_contact_networks", "q4_business_trips"}
    if partners or contacts or readiness in ("readiness_mostly", "readiness_fully"):
        triggers = []
        if partners:
            triggers.append(Trigger("answer", "intl_partner_count", partners))
        if contacts:
            triggers.append(Trigger("answer", "current_strategy", sorted(contacts)))
        if readiness in ("readiness_mostly", "readiness_fully"):
            triggers.append(Trigger("answer", "partnership_readiness", readiness))
        return "build_trust", triggers
    return "get_to_know", [Trigger("answer", "recent_achievements",
                                   sorted(_chosen(answers.get("recent_achievements"))))]


def _add(recommendations: dict, kind: str, key: str, priority: int, trigger: Trigger) -> None:
    recommendation = recommendations.setdefault(
        (kind, key), Recommendation(kind=kind, key=key, priority=priority))
    recommendation.priority = min(recommendation.priority, priority)
    if trigger not in recommendation.triggers:
        recommendation.triggers.append(trigger)


def _instrument_rules(recs, answers, scores, gaps, playbook, phase):
    strategy = _chosen(answers.get("current_strategy"))
    dimensions = scores.get("dimensions", {})
    if "q4_concrete_strategy" not in strategy or dimensions.get("strategy", 0) < LOW_SCORE:
        _add(recs, "instrument", "strategic_dialogue", 1,
             Trigger("answer", "current_strategy", sorted(strategy)))
    for instrument in playbook["instruments"]:
        if phase in instrument["phases"]:
            _add(recs, "instrument", instrument["key"], 2, Trigger("answer", "phase", phase))
    for motive in sorted(_chosen(answers.get("motives"))):
        for key in MOTIVE_INSTRUMENTS.get(motive, []):
            _add(recs, "instrument", key, 2, Trigger("answer", "motives", motive))
    for dimension, (score, median) in sorted((gaps or {}).items()):
        if score < median:
            _add(recs, "instrument", "international_benchmarking", 2,
                 Trigger("gap", dimension, (score, median)))


def _barrier_rules(recs, answers, playbook):
    measures = {m["barrier"]: m for m in playbook["barrier_measures"]}
    for barrier in sorted(_chosen(answers.get("expected_barriers"))):
        if barrier in measures:
            _add(recs, "barrier", barrier, 1, Trigger("answer", "expected_barriers", barrier))


def _funding_rules(recs, answers, scores, playbook):
    sources = _chosen(answers.get("funding_sources"))
    for option in playbook["funding_options"]:
        used = sources & set(option["study_options"])
        if used:
            _add(recs, "funding", option["key"], 3,
                 Trigger("answer", "funding_sources", sorted(used)))
    known = {option["key"] for option in playbook["funding_options"]}
    funding = scores.get("dimensions", {}).get("funding", 0)
    if funding < LOW_SCORE:
        for key in ("horizon_europe", "interreg", "single_market_euroclusters"):
            if key in known:
                _add(recs, "funding", key, 2, Trigger("score", "funding", funding))
    if "q3_funding" in _chosen(answers.get("expected_barriers")) and "national_regional" in known:
        _add(recs, "funding", "national_regional", 2,
             Trigger("answer", "expected_barriers", "q3_funding"))


def build_strategy(*, answers: dict, scores: dict, playbook: dict,
                   gaps: dict | None = None) -> Strategy:
    """The starting phase and the prioritised recommendations for one diagnostic.

    answers: {question key: stored value}; scores: {"overall", "dimensions": {...}};
    gaps: {dimension: (own score, peer median)} when peers are published."""
    phase, phase_triggers = starting_phase(answers, scores)
    recs: dict = {}
    _barrier_rules(recs, answers, playbook)
    _instrument_rules(recs, answers, scores, gaps, playbook, phase)
    _funding_rules(recs, answers, scores, playbook)
    ordered = sorted(recs.values(), key=lambda r: (r.priority, r.kind, r.key))
    return Strategy(phase=phase, phase_triggers=phase_triggers, recommendations=ordered)
