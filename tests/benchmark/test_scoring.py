"""The index, table-driven with hand-computed values, and percentiles against brute force."""

import json
import random
from pathlib import Path

import pytest

from benchmark import scoring

METHOD = json.loads((Path(scoring.__file__).parent / "data" / "method_2026_1.json").read_text())

ANSWERS = {
    "current_strategy": ["q4_joint_rd", "q4_contact_networks"],
    "strategy_document": "doc_draft",
    "board_support": "board_informal",
    "geographic_ambition": "q8_europe",
    "intl_responsibility": "q2_board",
    "intl_staff_fte": 0.5,
    "intl_budget_share_pct": 5,
    "recent_achievements": ["q9_eu_coop_same_field"],
    "intl_partner_count": 4,
    "past_activities": [{"actor": "Board"}],
    "members_active_abroad_pct": 25,
    "partnership_readiness": "readiness_partly",
    "target_countries": ["SE", "FI", "NO"],
    "partner_types": ["partner_clusters", "partner_research"],
    "first_contact_mode": "contact_networking_visit",
    "facilitator_needed": "facilitator_maybe",
    "funding_sources": ["q7_interreg", "q7_national"],
    "member_cofinancing": "cofin_partly",
}


def test_score_answers_matches_the_hand_computation():
    scores = scoring.score_answers(METHOD, ANSWERS)

    # strategy (60*3 + 50*2 + 60 + 70) / 7; organisation (80*2 + 50*2 + 50) / 5;
    # experience (50*2 + 40*2 + 20 + 50) / 6; partnership (35*3 + 100 + 100 + 100 + 60) / 7;
    # funding (66.67*2 + 50 + 0 + 0) / 5
    assert scores.dimensions == {"strategy": 58.6, "organisation": 62.0, "experience": 41.7,
                                 "partnership": 66.4, "funding": 36.7}
    assert scores.overall == 53.1
    assert scores.band == "moderately"


def test_no_answers_score_zero_and_are_not_internationalised():
    scores = scoring.score_answers(METHOD, {})

    assert scores.overall == 0
    assert set(scores.dimensions.values()) == {0}
    assert scores.band == "not"


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        ({"rule": "points", "points": {"a": 100, "b": 40}}, "b", 40),
        ({"rule": "points", "points": {"a": 100, "b": 40}}, ["b", "a"], 100),
        ({"rule": "points", "points": {"a": 100}}, "unknown", 0),
        ({"rule": "scale", "full": 10}, 4, 40),
        ({"rule": "scale", "full": 10}, 25, 100),
        ({"rule": "scale", "full": 10}, 0, 0),
        ({"rule": "count", "target": 3, "exclude": ["none"]}, ["x", "none"], 100 / 3),
        ({"rule": "count", "target": 2, "exclude": []}, ["x", "y", "z"], 100),
        ({"rule": "rows", "target": 5}, [{}, {}], 40),
        ({"rule": "points", "points": {"a": 100}}, None, 0),
        ({"rule": "scale", "full": 10}, "", 0),
        ({"rule": "count", "target": 2}, [], 0),
    ],
)
def test_item_score(item, value, expected):
    assert scoring.item_score(item, value) == pytest.approx(expected)


@pytest.mark.parametrize(("score", "band"), [(0, "not"), (19.9, "not"), (20, "slightly"),
                                             (59.9, "moderately"), (60, "largely"),
                                             (80, "highly"), (100, "highly")])
def test_band_for(score, band):
    assert scoring.band_for(score, METHOD["bands"]) == band


@pytest.mark.parametrize(("members", "band"), [(None, "unknown"), (0, "small"), (49, "small"),
                                               (50, "medium"), (149, "medium"), (150, "large"),
                                               (499, "large"), (500, "very_large")])
def test_size_band(members, band):
    assert scoring.size_band(members) == band


def _brute_force_cut(values, fraction_num, fraction_den):
    """percentile_disc by definition: the first value whose cumulative share reaches p."""
    ordered = sorted(values)
    for i, value in enumerate(ordered, start=1):
        if i * fraction_den >= fraction_num * len(ordered):
            return value
    return ordered[-1]


@pytest.mark.parametrize("seed", range(20))
def test_cut_points_equal_the_brute_force_definition(seed):
    rng = random.Random(seed)
    values = [round(rng.uniform(0, 100), 1) for _ in range(rng.randint(1, 300))]

    cuts = scoring.cut_points(values)

    assert cuts == [_brute_force_cut(values, i, 100) for i in range(101)]


@pytest.mark.parametrize("seed", range(20))
def test_percentile_rank_is_within_one_point_of_the_exact_rank(seed):
    rng = random.Random(seed)
    values = [round(rng.uniform(0, 100)) for _ in range(rng.randint(50, 2000))]
    cuts = scoring.cut_points(values)

    for probe in [rng.uniform(0, 100) for _ in range(20)]:
        below = sum(v < probe for v in values)
        ties = sum(v == probe for v in values)
        exact = 100 * (below + ties / 2) / len(values)
        assert abs(scoring.percentile_rank(probe, cuts) - exact) <= 1.5


def test_percentile_rank_puts_equal_scores_in_the_middle():
    assert scoring.percentile_rank(50, scoring.cut_points([50] * 10)) == 50
    assert scoring.percentile_rank(0, scoring.cut_points([10, 20, 30])) == 0
    assert scoring.percentile_rank(99, scoring.cut_points([10, 20, 30])) == 100


def test_quartiles():
    assert scoring.quartiles(scoring.cut_points(list(range(1, 101)))) == (25, 50, 75)


METHOD_2 = json.loads((Path(scoring.__file__).parent / "data" / "method_2026_2.json").read_text())


@pytest.mark.parametrize(("method", "answer", "expected"), [
    (METHOD, "facilitator_yes", 40.0),
    (METHOD, "facilitator_maybe", 60.0),
    (METHOD, "facilitator_no", 100.0),
    (METHOD_2, "facilitator_yes", 100.0),
    (METHOD_2, "facilitator_maybe", 100.0),
    (METHOD_2, "facilitator_no", 100.0),
])
def test_the_facilitator_item_under_each_method(method, answer, expected):
    scores = scoring.score_answers(method, {**ANSWERS, "facilitator_needed": answer})

    assert scores.items["facilitator_needed"] == expected


def test_2026_2_differs_from_2026_1_in_the_facilitator_item_only():
    answers = {**ANSWERS, "facilitator_needed": "facilitator_yes"}

    old, new = scoring.score_answers(METHOD, answers), scoring.score_answers(METHOD_2, answers)

    changed = {k for k in old.items if old.items[k] != new.items[k]}
    assert changed == {"facilitator_needed"}
    # partnership (35*3 + 100 + 100 + 100 + 40 or 100) / 7
    assert (old.dimensions["partnership"], new.dimensions["partnership"]) == (63.6, 72.1)
    assert {k for k in old.dimensions if old.dimensions[k] != new.dimensions[k]} == {
        "partnership"}


def test_2026_2_explains_its_change_in_every_language():
    changes = METHOD_2["changes"]

    assert changes["from"] == "2026.1"
    for text in (changes["text"], changes["why"], METHOD_2["title"], METHOD_2["summary"]):
        assert set(text) == {"en", "fr", "de"} and all(text.values())
