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
# Which instruments serve which partner type sought.
PARTNER_INSTRUMENTS = {
    "partner_clusters": ["networking_visits"],
    "partner_research": ["research_profiles", "transnational_calls"],
    "partner_customers": ["b2b_meetings"],
    "partner_investors": ["international_benchmarking"],
}
# Which instruments build the factors the team finds decisive for a cooperation.
FACTOR_INSTRUMENTS = {
    "factor_trust": ["networking_visits"],
    "factor_complementary": ["research_profiles"],
    "factor_committed_members": ["joint_working_group"],
    "factor_common_goals": ["strategic_dialogue"],
    "factor_management_capacity": ["strategic_dialogue"],
    "factor_language_culture": ["networking_visits"],
    "factor_proximity": ["b2b_meetings"],
}
# Support instruments that do not (yet) fit: talk with the support agencies first.
SUPPORT_MISFIT = {"fit_partly", "fit_not", "fit_unknown"}
# Past activities that show trust already built, or joint projects already run.
TRUST_ACTIVITIES = {"networking_visit", "b2b_meeting", "trade_mission"}
PROJECT_ACTIVITIES = {"joint_project", "joint_working_group"}
LOW_SCORE = 40
# The barrier whose measure follows the target markets' languages (language_trigger).
LANGUAGE_MEASURE = "q3_language_distance"


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


def _past_kinds(answers: dict) -> set[str]:
    return {row.get("kind") for row in answers.get("past_activities") or []
            if isinstance(row, dict) and row.get("kind")}


def starting_phase(answers: dict, scores: dict) -> tuple[str, list[Trigger]]:
    """The phase of cooperation to start from, with the answers that decided it."""
    strategy = _chosen(answers.get("current_strategy"))
    past = _past_kinds(answers)
    achieved = _chosen(answers.get("recent_achievements")) & COOPERATION_ACHIEVEMENTS
    partnership = scores.get("dimensions", {}).get("partnership", 0)
    readiness = answers.get("partnership_readiness")
    partners = answers.get("intl_partner_count") or 0
    if achieved and "q4_concrete_strategy" in strategy and partnership >= 60:
        return "strategic_partnership", [
            Trigger("answer", "recent_achievements", sorted(achieved)),
            Trigger("answer", "current_strategy", "q4_concrete_strategy"),
            Trigger("score", "partnership", partnership)]
    if achieved or "q4_joint_rd" in strategy or past & PROJECT_ACTIVITIES:
        triggers = [Trigger("answer", "recent_achievements", sorted(achieved))] if achieved else []
        if "q4_joint_rd" in strategy:
            triggers.append(Trigger("answer", "current_strategy", "q4_joint_rd"))
        if past & PROJECT_ACTIVITIES:
            triggers.append(Trigger("answer", "past_activities", sorted(past & PROJECT_ACTIVITIES)))
        return "joint_projects", triggers
    contacts = strategy & {"q4_contact_networks", "q4_business_trips"}
    if partners or contacts or readiness in ("readiness_mostly", "readiness_fully") or \
            past & TRUST_ACTIVITIES:
        triggers = []
        if past & TRUST_ACTIVITIES:
            triggers.append(Trigger("answer", "past_activities", sorted(past & TRUST_ACTIVITIES)))
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
    if answers.get("support_fit") in SUPPORT_MISFIT:
        _add(recs, "instrument", "strategic_dialogue", 1,
             Trigger("answer", "support_fit", answers["support_fit"]))
    for question, table, priority in (("motives", MOTIVE_INSTRUMENTS, 2),
                                      ("partner_types", PARTNER_INSTRUMENTS, 2),
                                      ("decisive_factors", FACTOR_INSTRUMENTS, 1)):
        for choice in sorted(_chosen(answers.get(question))):
            for key in table.get(choice, []):
                _add(recs, "instrument", key, priority, Trigger("answer", question, choice))
    for dimension, (score, median) in sorted((gaps or {}).items()):
        if score < median:
            _add(recs, "instrument", "international_benchmarking", 2,
                 Trigger("gap", dimension, (score, median)))


def _barrier_rules(recs, answers, playbook, markets):
    measures = {m["barrier"]: m for m in playbook["barrier_measures"]}
    for barrier in sorted(_chosen(answers.get("expected_barriers"))):
        if barrier in measures:
            _add(recs, "barrier", barrier, 1, Trigger("answer", "expected_barriers", barrier))
    trigger = language_trigger(answers, playbook, markets)
    if trigger is not None:
        _add(recs, "barrier", LANGUAGE_MEASURE, 1, trigger)


def language_trigger(answers: dict, playbook: dict, markets: list[dict] | None
                     ) -> Trigger | None:
    """Why the language measure is recommended, whether or not the team named the barrier:
    the target markets that share no official language with the team's working languages.
    None when every market shares one, or the team gave no working language."""
    apart = [m["country"] for m in markets or [] if not m["shared_languages"]]
    measures = {m["barrier"] for m in playbook["barrier_measures"]}
    if apart and LANGUAGE_MEASURE in measures and answers.get("working_languages"):
        return Trigger("language", "working_languages", apart)
    return None


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
    if "factor_funding" in _chosen(answers.get("decisive_factors")):
        for key in sorted(known & {"horizon_europe", "interreg"}):
            _add(recs, "funding", key, 2, Trigger("answer", "decisive_factors", "factor_funding"))
    if answers.get("support_fit") == "fit_well":
        # The public instruments fit: seek them before the rest.
        for key in sorted(known - {"own_financing", "other"}):
            if ("funding", key) in recs:
                _add(recs, "funding", key, 1, Trigger("answer", "support_fit", "fit_well"))


def build_strategy(*, answers: dict, scores: dict, playbook: dict,
                   gaps: dict | None = None, markets: list[dict] | None = None) -> Strategy:
    """The starting phase and the prioritised recommendations for one diagnostic.

    answers: {question key: stored value}; scores: {"overall", "dimensions": {...}};
    gaps: {dimension: (own score, peer median)} when peers are published;
    markets: the shortlisted target markets in order, [{"country", "shared_languages"}]."""
    phase, phase_triggers = starting_phase(answers, scores)
    recs: dict = {}
    _barrier_rules(recs, answers, playbook, markets)
    _instrument_rules(recs, answers, scores, gaps, playbook, phase)
    _funding_rules(recs, answers, scores, playbook)
    ordered = sorted(recs.values(), key=lambda r: (r.priority, r.kind, r.key))
    return Strategy(phase=phase, phase_triggers=phase_triggers, recommendations=ordered)
