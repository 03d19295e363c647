"""benchmark/comparison.py: pure functions, no database."""

from benchmark import comparison

METHOD = {
    "bands": [{"key": "low", "min": 0, "label": {"en": "low"}},
              {"key": "high", "min": 50, "label": {"en": "high"}}],
    "dimensions": [
        {"key": "strategy", "label": {"en": "Strategy"}, "items": [
            {"question": "plan", "rule": "points", "weight": 1,
             "points": {"none": 0, "written": 100}}]},
        {"key": "funding", "label": {"en": "Funding"}, "items": [
            {"question": "budget", "rule": "scale", "weight": 1, "full": 10}]},
    ],
}
# The same answers, scored by another method: only the weights of the points differ.
OTHER = {**METHOD, "dimensions": [
    {**METHOD["dimensions"][0], "items": [{**METHOD["dimensions"][0]["items"][0],
                                           "points": {"none": 0, "written": 50}}]},
    METHOD["dimensions"][1]]}


def test_score_rows_rescore_both_runs_under_the_one_method():
    rows = comparison.score_rows(METHOD, {"plan": "none", "budget": 5},
                                 {"plan": "written", "budget": 5})

    assert [(r.key, r.before, r.after, r.change) for r in rows] == [
        ("overall", 25.0, 75.0, 50.0), ("strategy", 0.0, 100.0, 100.0),
        ("funding", 50.0, 50.0, 0.0)]


def test_the_method_changes_the_scores_not_the_comparison_of_answers():
    under_other = comparison.score_rows(OTHER, {"plan": "none"}, {"plan": "written"})

    assert under_other[1].after == 50.0


def test_answer_rows_say_not_asked_then_for_a_question_of_one_version_only():
    rows = comparison.answer_rows(
        [("plan", "Plan?"), ("budget", "Budget?"), ("new", "New?"), ("old", "Old?")],
        before={"plan": "None yet", "budget": "5", "old": "Yes"},
        after={"plan": "Written", "budget": "5", "new": "Twice"},
        asked_before={"plan", "budget", "old"}, asked_after={"plan", "budget", "new"})

    assert [(r.key, r.before, r.after, r.state) for r in rows] == [
        ("plan", "None yet", "Written", comparison.CHANGED),
        ("budget", "5", "5", comparison.SAME),
        ("new", "", "Twice", comparison.NOT_ASKED_BEFORE),
        ("old", "Yes", "", comparison.NOT_ASKED_AFTER)]


def test_value_of_reads_the_index_a_dimension_or_a_question():
    scores = comparison.rescore(METHOD, {"plan": "written", "budget": 2})

    assert [comparison.value_of(t, scores) for t in
            ("index", "dimension:funding", "question:plan", "question:unknown", "bad")] == [
        60.0, 20.0, 100.0, None, None]
