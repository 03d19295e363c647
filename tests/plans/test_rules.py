"""The strategy rules, table-driven on a small playbook of the same shape as v1.json."""

import json
from pathlib import Path

import pytest

from plans import rules
from plans.rules import Trigger, build_strategy, starting_phase

PLAYBOOK = {
    "phases": [{"key": key} for key in rules.PHASES],
    "instruments": [
        {"key": "strategic_dialogue", "phases": ["get_to_know"]},
        {"key": "international_benchmarking", "phases": ["get_to_know", "build_trust"]},
        {"key": "research_profiles", "phases": ["build_trust"]},
        {"key": "transnational_calls", "phases": ["joint_projects"]},
        {"key": "networking_visits", "phases": ["get_to_know", "build_trust"]},
        {"key": "b2b_meetings", "phases": ["build_trust", "joint_projects"]},
        {"key": "joint_working_group", "phases": ["joint_projects", "strategic_partnership"]},
    ],
    "barrier_measures": [{"barrier": key} for key in
                         ["q3_trust", "q3_conflict", "q3_funding", "q3_time",
                          "q3_language_distance", "q3_other"]],
    "funding_options": [
        {"key": "horizon_europe", "study_options": ["q7_fp"]},
        {"key": "interreg", "study_options": ["q7_interreg"]},
        {"key": "single_market_euroclusters", "study_options": ["fund_single_market"]},
        {"key": "national_regional", "study_options": ["q7_national", "fund_regional",
                                                       "q7_eranet"]},
        {"key": "own_financing", "study_options": ["q7_own"]},
        {"key": "other", "study_options": ["q7_other"]},
    ],
}
GOOD_SCORES = {"overall": 70, "dimensions": {"strategy": 80, "partnership": 70, "funding": 70}}


def _keys(result, kind):
    return [r.key for r in result.recommendations if r.kind == kind]


@pytest.mark.parametrize(
    ("answers", "scores", "phase"),
    [
        ({}, {}, "get_to_know"),
        ({"recent_achievements": ["exp_none"], "current_strategy": ["q4_none"]}, {},
         "get_to_know"),
        ({"intl_partner_count": 3}, {}, "build_trust"),
        ({"current_strategy": ["q4_contact_networks"]}, {}, "build_trust"),
        ({"partnership_readiness": "readiness_mostly"}, {}, "build_trust"),
        ({"current_strategy": ["q4_joint_rd"]}, {}, "joint_projects"),
        ({"recent_achievements": ["q9_new_fields"]}, {}, "joint_projects"),
        ({"recent_achievements": ["q9_eu_coop_same_field"],
          "current_strategy": ["q4_concrete_strategy"]}, GOOD_SCORES, "strategic_partnership"),
        ({"recent_achievements": ["q9_eu_coop_same_field"],
          "current_strategy": ["q4_concrete_strategy"]},
         {"dimensions": {"partnership": 50}}, "joint_projects"),
    ],
)
def test_starting_phase(answers, scores, phase):
    assert starting_phase(answers, scores)[0] == phase


def test_the_phase_says_which_answers_decided_it():
    phase, triggers = starting_phase({"intl_partner_count": 3,
                                      "current_strategy": ["q4_business_trips"]}, {})

    assert phase == "build_trust"
    assert triggers == [Trigger("answer", "intl_partner_count", 3),
                        Trigger("answer", "current_strategy", ["q4_business_trips"])]


@pytest.mark.parametrize("barrier", ["q3_trust", "q3_conflict", "q3_funding", "q3_time",
                                     "q3_language_distance", "q3_other"])
def test_each_barrier_named_gets_its_counter_measure_first(barrier):
    result = build_strategy(answers={"expected_barriers": [barrier]}, scores=GOOD_SCORES,
                            playbook=PLAYBOOK)

    measure = next(r for r in result.recommendations if r.kind == "barrier")
    assert _keys(result, "barrier") == [barrier]
    assert measure.priority == 1
    assert measure.triggers == [Trigger("answer", "expected_barriers", barrier)]


@pytest.mark.parametrize(
    ("motive", "instruments"),
    [("q1_market_position", ["international_benchmarking"]), ("q1_new_markets", ["b2b_meetings"]),
     ("q1_new_knowhow", ["research_profiles", "transnational_calls"]),
     ("q1_exchange", ["networking_visits"])],
)
def test_each_motive_brings_its_instruments(motive, instruments):
    result = build_strategy(answers={"motives": [motive],
                                     "current_strategy": ["q4_concrete_strategy"]},
                            scores=GOOD_SCORES, playbook=PLAYBOOK)

    for key in instruments:
        recommendation = next(r for r in result.recommendations if r.key == key)
        assert Trigger("answer", "motives", motive) in recommendation.triggers


@pytest.mark.parametrize(
    ("phase_answers", "instruments"),
    [({}, {"strategic_dialogue", "international_benchmarking", "networking_visits"}),
     ({"intl_partner_count": 2}, {"international_benchmarking", "research_profiles",
                                  "networking_visits", "b2b_meetings"}),
     ({"current_strategy": ["q4_joint_rd", "q4_concrete_strategy"]},
      {"transnational_calls", "b2b_meetings", "joint_working_group"})],
)
def test_instruments_fit_the_phase(phase_answers, instruments):
    result = build_strategy(answers=phase_answers, scores=GOOD_SCORES, playbook=PLAYBOOK)

    phase_instruments = {r.key for r in result.recommendations if r.kind == "instrument"
                         and Trigger("answer", "phase", result.phase) in r.triggers}
    assert phase_instruments == instruments


def test_without_a_concrete_strategy_the_dialogue_comes_first():
    result = build_strategy(answers={"current_strategy": ["q4_none"]}, scores=GOOD_SCORES,
                            playbook=PLAYBOOK)

    assert result.recommendations[0].key == "strategic_dialogue"
    assert result.recommendations[0].triggers[0] == Trigger("answer", "current_strategy",
                                                            ["q4_none"])


def test_a_benchmark_gap_brings_international_benchmarking():
    result = build_strategy(answers={"current_strategy": ["q4_joint_rd"]}, scores=GOOD_SCORES,
                            playbook=PLAYBOOK, gaps={"experience": (30, 55),
                                                     "strategy": (80, 50)})

    benchmarking = next(r for r in result.recommendations
                        if r.key == "international_benchmarking")
    assert benchmarking.triggers == [Trigger("gap", "experience", (30, 55))]


def test_funding_sources_used_are_kept_and_a_low_funding_score_adds_programmes():
    result = build_strategy(
        answers={"funding_sources": ["q7_national", "q7_eranet"],
                 "expected_barriers": ["q3_funding"]},
        scores={"dimensions": {"funding": 20}}, playbook=PLAYBOOK)

    assert _keys(result, "funding") == ["horizon_europe", "interreg", "national_regional",
                                        "single_market_euroclusters"]
    national = next(r for r in result.recommendations if r.key == "national_regional")
    assert national.triggers == [Trigger("answer", "funding_sources",
                                         ["q7_eranet", "q7_national"]),
                                 Trigger("answer", "expected_barriers", "q3_funding")]
    assert national.priority == 2


def test_the_playbook_file_has_every_key_the_rules_use():
    path = Path(rules.__file__).parent / "playbook" / "v1.json"
    if not path.exists():
        pytest.skip("the playbook file is not written yet")
    playbook = json.loads(path.read_text(encoding="utf-8"))

    assert [p["key"] for p in playbook["phases"]] == rules.PHASES
    instruments = {i["key"] for i in playbook["instruments"]}
    assert {k for keys in rules.MOTIVE_INSTRUMENTS.values() for k in keys} <= instruments
    assert "strategic_dialogue" in instruments
    assert {m["barrier"] for m in playbook["barrier_measures"]} == {
        "q3_trust", "q3_conflict", "q3_funding", "q3_time", "q3_language_distance", "q3_other"}
    assert {"horizon_europe", "interreg", "single_market_euroclusters",
            "national_regional"} <= {f["key"] for f in playbook["funding_options"]}
    result = build_strategy(answers={"expected_barriers": ["q3_trust"]}, scores={},
                            playbook=playbook)
    assert result.phase == "get_to_know" and result.recommendations


# --- What the answers added in questionnaire 2026.2 drive -------------------------------------

@pytest.mark.parametrize(("answers", "phase"), [
    ({"past_activities": [{"actor": "x", "kind": "networking_visit"}]}, "build_trust"),
    ({"past_activities": [{"actor": "x", "kind": "joint_project"}]}, "joint_projects"),
    ({"past_activities": [{"actor": "x", "kind": "other"}]}, "get_to_know"),
])
def test_past_activities_move_the_starting_phase(answers, phase):
    assert starting_phase(answers, {})[0] == phase


@pytest.mark.parametrize(("answers", "instrument", "priority"), [
    ({"partner_types": ["partner_clusters"]}, "networking_visits", 2),
    ({"partner_types": ["partner_research"]}, "transnational_calls", 2),
    ({"partner_types": ["partner_customers"]}, "b2b_meetings", 2),
    ({"decisive_factors": ["factor_trust"]}, "networking_visits", 1),
    ({"decisive_factors": ["factor_committed_members"]}, "joint_working_group", 1),
    ({"support_fit": "fit_not"}, "strategic_dialogue", 1),
])
def test_answers_choose_instruments(answers, instrument, priority):
    result = build_strategy(answers={"current_strategy": ["q4_concrete_strategy"], **answers},
                            scores=GOOD_SCORES, playbook=PLAYBOOK)
    rec = next(r for r in result.recommendations if r.key == instrument)
    assert rec.priority == priority
    assert rec.triggers[-1].kind == "answer" and rec.triggers[-1].key in answers


def test_support_that_fits_puts_public_funding_first():
    answers = {"funding_sources": ["q7_fp", "q7_own"], "support_fit": "fit_well"}
    result = build_strategy(answers=answers, scores=GOOD_SCORES, playbook=PLAYBOOK)
    priorities = {r.key: r.priority for r in result.recommendations if r.kind == "funding"}
    assert priorities == {"horizon_europe": 1, "own_financing": 3}


@pytest.mark.parametrize(("markets", "languages", "measure"), [
    ([{"country": "FR", "shared_languages": []}], "German", ["FR"]),
    ([{"country": "AT", "shared_languages": ["de"]}], "German", None),
    ([{"country": "FR", "shared_languages": []}], "", None),  # no working languages given
])
def test_the_language_measure_compares_working_and_official_languages(markets, languages,
                                                                      measure):
    result = build_strategy(answers={"working_languages": languages}, scores=GOOD_SCORES,
                            playbook=PLAYBOOK, markets=markets)
    rec = next((r for r in result.recommendations if r.key == "q3_language_distance"), None)
    assert (rec.triggers[0].value if rec else None) == measure
